/** lxd.Remote: checks the API answers over SSH and reports the server. */
import { checkWith, clientFor, CREDENTIALS, lxd, serverOf, type LxdConnector, type RemoteEndpoint, type ResourceProvider } from "./deps.js";

type Inputs = lxd.RemoteInputs;
interface Outputs extends Inputs {
  readonly endpoint: RemoteEndpoint;
  readonly serverName: string;
  readonly serverVersion: string;
  readonly storageDrivers: string[];
}

interface ServerInfo {
  api_status: string;
  auth: string;
  environment?: { server_name?: string; server_version?: string; storage_supported_drivers?: { Name: string }[]; storage?: string };
}

export function remoteProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  async function probe(i: Inputs, log?: (m: string) => void): Promise<Outputs> {
    const endpoint = { connection: i.host, socket: i.socket };
    const info = await clientFor(connect, endpoint, log).request<ServerInfo>("GET", "/1.0");
    if (info.auth !== "trusted") throw new Error(`lxd at ${serverOf(endpoint)}: the API says auth "${info.auth}"; the SSH user must be in group lxd`);
    const env = info.environment ?? {};
    return {
      ...i, endpoint,
      serverName: env.server_name ?? "",
      serverVersion: env.server_version ?? "",
      storageDrivers: (env.storage_supported_drivers ?? []).map((d) => d.Name).sort(),
    };
  }

  return {
    secretOutputs: ["endpoint"],
    secretLeaves: CREDENTIALS,
    plannedOutputs: (i) => ({ endpoint: { connection: i.host, socket: i.socket } }),
    async check(_olds, news) {
      return checkWith(lxd.RemoteArgsSchema, news);
    },
    async create(inputs, ctx) {
      const outs = await probe(inputs, (m) => ctx.log(m));
      return { id: serverOf(outs.endpoint), outs };
    },
    async read(id, _props, inputs, ctx) {
      return { id, props: await probe(inputs, (m) => ctx.log(m)), inputs };
    },
    async update(_id, _olds, news, ctx) {
      return { outs: await probe(news, (m) => ctx.log(m)) };
    },
    async delete() {
      // The server is not ours: forgetting it is enough.
    },
  };
}
