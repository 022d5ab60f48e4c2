/**
 * What this pass declares on each LXD server, so `check` can refuse two
 * resources claiming one name, and tell a missing pool from one the program
 * is about to create. A pass runs in its own worker, so this starts empty.
 */
const claims = new Map<string, string>();

export type Kind = "instance" | "storage-pool" | "network" | "profile" | "image-alias";

const key = (server: string, kind: Kind, name: string): string => `${server}|${kind}|${name}`;

/** Claims `name`; returns the URN that claimed it first when that is another resource. */
export function claim(server: string, kind: Kind, name: string, urn: string): string | undefined {
  const k = key(server, kind, name);
  const held = claims.get(k);
  if (held && held !== urn) return held;
  claims.set(k, urn);
  return undefined;
}

export function declared(server: string, kind: Kind, name: string): boolean {
  return claims.has(key(server, kind, name));
}
