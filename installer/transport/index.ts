/** Transports by connection: one pool per distinct connection, shared by every resource in a pass. */
import type { Connection } from "../../sdk/ssh/connection.js";
import { Pools } from "./ssh/pool.js";
import { SshTransport } from "./ssh/transport.js";

export * from "./types.js";
export { SshTransport } from "./ssh/transport.js";

const pools = new Pools();

export function sshTransport(c: Connection, log?: (m: string) => void): SshTransport {
  return new SshTransport(c, pools.get(c), log);
}

/** Closes every pooled connection (tests and benchmarks; a pass's worker just ends). */
export function closeTransports(): void {
  pools.closeAll();
}
