/** SSH host key fingerprints, as `ssh-keygen -lf` prints them: SHA256 over the key blob, base64 without padding. */
import { createHash } from "node:crypto";

export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

export interface PinnedKey {
  readonly fingerprint: string;
  /** The key type, when the pin was a public key line. */
  readonly type?: string;
}

/** Accepts a fingerprint or a public key line (`ssh-ed25519 AAAA… comment`). */
export function parsePin(pin: string): PinnedKey {
  const s = pin.trim();
  if (s.startsWith("SHA256:")) return { fingerprint: s };
  const [type, b64] = s.split(/\s+/);
  if (!type || !b64) throw new Error(`not a host key: "${pin}"`);
  const blob = Buffer.from(b64, "base64");
  // The blob starts with its own type name; a mismatch means a corrupt line.
  const n = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (n <= 0 || blob.subarray(4, 4 + n).toString() !== type) throw new Error(`host key line is corrupt: "${pin.slice(0, 40)}…"`);
  return { fingerprint: fingerprintOfBlob(blob), type };
}

/** Host key algorithms to ask for, so the server presents a key of the pinned type. */
export function hostKeyAlgorithms(pins: readonly PinnedKey[]): string[] | undefined {
  if (pins.length === 0 || pins.some((p) => !p.type)) return undefined;
  const algs = new Set<string>();
  for (const p of pins) {
    if (p.type === "ssh-rsa") ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"].forEach((a) => algs.add(a));
    else algs.add(p.type!);
  }
  return [...algs];
}
