/**
 * Why a presented host key is refused. "Changed" is said only with evidence:
 * this process saw the same endpoint verify with another key. A first contact
 * that misses the pin merely does not match it (a wrong pin, or a rebuilt host).
 */
import type { Connection } from "../../../sdk/ssh/connection.js";
import type { PinnedKey } from "./fingerprint.js";

/** The key each endpoint last verified with in this process. */
const verified = new Map<string, string>();

/** host:port, through each jump (one address behind two bastions may be two machines). */
export function endpointOf(c: Pick<Connection, "host" | "port" | "jump">): string {
  return `${c.host}:${c.port}${c.jump ? ` via ${endpointOf(c.jump)}` : ""}`;
}

export function rememberHostKey(c: Pick<Connection, "host" | "port" | "jump">, fingerprint: string): void {
  verified.set(endpointOf(c), fingerprint);
}

export function seenHostKey(c: Pick<Connection, "host" | "port" | "jump">): string | undefined {
  return verified.get(endpointOf(c));
}

/** The refusal for a key that is not accepted: `seen` is the key this endpoint verified with before, if any. */
export function hostKeyRefusal(presented: string, type: string, pins: readonly PinnedKey[], seen?: string): string {
  if (pins.length === 0) {
    return `unknown host key ${presented} (${type}): refusing to connect (pin it with hostKey, or set trustOnFirstUse: true)`;
  }
  const pinned = pins.map((p) => p.fingerprint).join(" or ");
  const typeHint = pins.every((p) => !p.type)
    ? `; if you pinned the fingerprint of another key type than ${type}, pin that key's public key line instead`
    : "";
  if (seen !== undefined && seen !== presented) {
    return `HOST KEY CHANGED: it was ${seen} earlier in this run, now ${presented} (${type}); pinned ${pinned}; refusing to connect (if the host was rebuilt, update its pinned hostKey)`;
  }
  return `host key ${presented} (${type}) does not match the pinned key ${pinned}; refusing to connect (check the pin, or if the host was rebuilt, update its pinned hostKey${typeHint})`;
}
