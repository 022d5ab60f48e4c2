/** A lab instance made with drydock's own instance provider, for transport tests. */
import { lxd, type ProviderContext } from "../../../sdk/index.js";
import { DEFAULT_SOCKET } from "../../../sdk/lxd/endpoint.js";
import type { Connection } from "../../../sdk/ssh/connection.js";
import { instanceProvider } from "../../../installer/providers/lxd/instance.js";
import { sshTransport } from "../../../installer/transport/index.js";
import { labConnection, type Lab } from "./env.js";

export const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:test", log: () => {} };

export async function labInstance(lab: Lab, name: string, extra: Record<string, unknown> = {}): Promise<{ connection: Connection; address: string; hostKey: string }> {
  const inputs = lxd.InstanceArgsSchema.parse({
    remote: { connection: labConnection(lab), socket: DEFAULT_SOCKET },
    name, image: lab.image, rootDisk: { pool: lab.pool }, authorizedKeys: [lab.publicKey], ...extra,
  });
  const r = await instanceProvider(sshTransport).create(inputs, ctx);
  return { connection: r.outs!.connection, address: r.outs!.address, hostKey: r.outs!.hostKey };
}
