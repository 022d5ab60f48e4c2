/**
 * The tools the certificates are made for (openssl, kubectl), run on PEMs in
 * a temporary folder, and a describe() that skips with the reason when a tool
 * is missing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe } from "vitest";

export interface ToolResult {
  readonly code: number;
  /** stdout and stderr together, for failure messages. */
  readonly output: string;
  readonly stdout: string;
}

export function run(cmd: string, args: readonly string[]): ToolResult {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

export function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** describe() when every tool is on PATH, or a skip that says which is missing. */
export function describeWith(tools: readonly string[], name: string, fn: () => void): void {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length) {
    console.warn(`SKIP ${name}: ${missing.join(", ")} not on PATH`);
    describe.skip(name, () => {});
    return;
  }
  describe(name, fn);
}

/** A temporary folder for PEM files, removed after the enclosing describe. */
export function pemDir(): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), "drydock-pki-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return (name, text) => {
    const path = join(dir, `${n++}-${name}`);
    writeFileSync(path, text);
    return path;
  };
}

export interface VerifyOptions {
  readonly purpose?: "sslserver" | "sslclient";
  /** Verify as of this time instead of now (certificates made with an injected clock). */
  readonly at?: Date;
}

/** `openssl verify -x509_strict [-purpose p] [-attime t] -CAfile ca cert`. */
export function verify(file: (name: string, text: string) => string, caPem: string, certPem: string, o: VerifyOptions = {}): ToolResult {
  const args = ["verify", "-x509_strict"];
  if (o.purpose) args.push("-purpose", o.purpose);
  if (o.at) args.push("-attime", String(Math.floor(o.at.getTime() / 1000)));
  args.push("-CAfile", file("ca.pem", caPem), file("cert.pem", certPem));
  return run("openssl", args);
}
