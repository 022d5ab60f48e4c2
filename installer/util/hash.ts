/** sha256 as lowercase hex: how drydock names and checks content everywhere (uploads, artifacts, backups). */
import { createHash } from "node:crypto";

/** Large buffers (binaries going to many hosts) are hashed once each. */
const known = new WeakMap<Uint8Array, string>();
const REMEMBER_FROM = 1 << 20;

export function sha256Hex(data: string | Uint8Array): string {
  if (typeof data !== "string" && data.length >= REMEMBER_FROM) {
    let h = known.get(data);
    if (!h) known.set(data, (h = createHash("sha256").update(data).digest("hex")));
    return h;
  }
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of a value's JSON, keys sorted: what a list of triggers is kept as. */
export function digestOf(v: unknown): string {
  const norm = (x: unknown): unknown => (Array.isArray(x) ? x.map(norm)
    : x && typeof x === "object" ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, norm((x as Record<string, unknown>)[k])])) : x);
  return createHash("sha256").update(JSON.stringify(norm(v)) ?? "undefined").digest("hex");
}
