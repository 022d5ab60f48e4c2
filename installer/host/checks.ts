/**
 * One try of a health check: a command on a host, an HTTPS GET with an
 * optional client certificate, or a TCP connect. Each says why it failed.
 */
import https from "node:https";
import net from "node:net";
import type { Transport } from "../transport/types.js";

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

const fail = (error: string): CheckResult => ({ ok: false, error });

export async function commandCheck(t: Transport, command: string, sudo: boolean, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
  try {
    const r = await t.exec(command, { sudo, timeoutMs, signal });
    if (r.code === 0) return { ok: true };
    const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-3).join(" ");
    return fail(`${t.name}: exit ${r.code}${said ? `: ${said}` : ""}`);
  } catch (e) {
    return fail((e as Error).message);
  }
}

export interface HttpsCheck {
  readonly url: string;
  readonly caPem: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly status: number;
  readonly body?: string;
}

export function httpsCheck(c: HttpsCheck, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const req = https.get(c.url, { ca: c.caPem, cert: c.certPem, key: c.keyPem, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (b: Buffer) => { if (chunks.length < 64) chunks.push(b); });
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8").slice(0, 2000);
        if (res.statusCode !== c.status) return resolve(fail(`${c.url}: HTTP ${res.statusCode}${text ? `: ${text.trim().slice(0, 200)}` : ""}`));
        if (c.body !== undefined && !new RegExp(c.body).test(text)) return resolve(fail(`${c.url}: body ${JSON.stringify(text.slice(0, 200))} does not match /${c.body}/`));
        resolve({ ok: true });
      });
      res.on("error", (e) => resolve(fail(`${c.url}: ${e.message}`)));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(fail(`${c.url}: ${e.message}`)));
  });
}

export function tcpCheck(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r: CheckResult) => { s.destroy(); resolve(r); };
    s.setTimeout(timeoutMs, () => done(fail(`${host}:${port}: no answer within ${timeoutMs} ms`)));
    s.once("connect", () => done({ ok: true }));
    s.once("error", (e) => done(fail(`${host}:${port}: ${e.message}`)));
  });
}
