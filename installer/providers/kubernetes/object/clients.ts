/** One API client (and its discovery cache) per kubeconfig, context and SSH path, shared by every object of a pass. */
import { Changes } from "../../../kubeapi/changes.js";
import { KubeClient, type Dialer } from "../../../kubeapi/client.js";
import { Discovery } from "../../../kubeapi/discovery.js";
import { parseKubeconfig } from "../../../kubeapi/kubeconfig.js";
import type { Connector, TcpOpener } from "../../../transport/types.js";
import { digestOf } from "../../../util/hash.js";
import type { kubernetes } from "../deps.js";

export interface Api {
  readonly client: KubeClient;
  readonly discovery: Discovery;
  /** Watches that wake waiters early. */
  readonly changes: Changes;
  /** Whether a namespace existed when first asked in this pass (for previews: one question per namespace). */
  readonly namespaceSeen: Map<string, Promise<boolean>>;
}

const clients = new Map<string, Api>();

export function apiFor(access: kubernetes.KubeAccess, connect: Connector): Api {
  const key = digestOf(access);
  let api = clients.get(key);
  if (!api) {
    const endpoint = parseKubeconfig(access.kubeconfig, access.context);
    let dial: Dialer | undefined;
    if (access.via) {
      const t = connect(access.via) as unknown as Partial<TcpOpener>;
      if (typeof t.openTcp !== "function") throw new Error("this transport cannot forward TCP (access.via)");
      dial = (host, port) => t.openTcp!(host, port);
    }
    const client = new KubeClient(endpoint, dial);
    clients.set(key, (api = { client, discovery: new Discovery(client), changes: new Changes(client), namespaceSeen: new Map() }));
  }
  return api;
}
