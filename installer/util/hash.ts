/** sha256 as lowercase hex: how drydock names and checks content everywhere (uploads, artifacts, backups). */
import { createHash } from "node:crypto";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
