/**
 * GET a file over https (following redirects, as GitHub's release downloads need), verifying the
 * server against the system's CAs or a given CA (a mirror's), or read a file:// URL. Errors name
 * the URL and say what failed: unreachable, refused, an HTTP status, a certificate problem.
 */
import { readFile } from "node:fs/promises";
import { get } from "node:https";
import { fileURLToPath } from "node:url";

export class FetchError extends Error {
  override readonly name = "FetchError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface GetOptions {
  readonly caPem?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused", ENOTFOUND: "host not found", EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable", ETIMEDOUT: "timed out", ECONNRESET: "connection reset",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate (give the mirror's CA)", UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate not signed by a trusted CA (give the mirror's CA)",
  SELF_SIGNED_CERT_IN_CHAIN: "certificate chain ends in an untrusted CA (give the mirror's CA)", ERR_TLS_CERT_ALTNAME_INVALID: "certificate does not name this host",
  CERT_HAS_EXPIRED: "certificate expired",
};

/** The bytes at `url`. */
export async function getBytes(url: string, o: GetOptions = {}): Promise<Buffer> {
  if (url.startsWith("file://")) {
    const path = fileURLToPath(url);
    return readFile(path).catch((e: NodeJS.ErrnoException) => {
      throw new FetchError(`${url}: ${e.code === "ENOENT" ? "no such file" : e.code ?? e.message}`, e.code === "ENOENT" ? 404 : undefined);
    });
  }
  return httpsGet(url, o, 5);
}

function httpsGet(url: string, o: GetOptions, redirects: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ...(o.caPem ? { ca: o.caPem } : {}), timeout: o.timeoutMs ?? 60_000, ...(o.signal ? { signal: o.signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return reject(new FetchError(`${url}: too many redirects`));
        const next = new URL(res.headers.location, url).toString();
        if (!next.startsWith("https://")) return reject(new FetchError(`${url}: redirected to ${next}, which is not https`));
        // The mirror's CA applies to the mirror only.
        return resolve(httpsGet(next, new URL(next).host === new URL(url).host ? o : { ...o, caPem: undefined }, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new FetchError(`${url}: HTTP ${status} ${res.statusMessage ?? ""}`.trim(), status));
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", (e) => reject(new FetchError(`${url}: ${e.message}`)));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => reject(new FetchError(`${url}: ${NET_WORDS[e.code ?? ""] ?? e.message}${e.code && NET_WORDS[e.code] ? ` (${e.code})` : ""}`)));
  });
}
