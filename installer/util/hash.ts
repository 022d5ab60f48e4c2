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
