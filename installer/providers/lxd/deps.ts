/** What the LXD providers need. */
export { checkWith, lxd, type CheckContext, type ProviderContext, type ResourceProvider, type CheckResult } from "../../../sdk/index.js";
export type { RemoteEndpoint } from "../../../sdk/lxd/endpoint.js";
export type { Connection } from "../../../sdk/ssh/connection.js";
export { CREDENTIALS, propertyEquals } from "../../../sdk/internal.js";
import { machineOf } from "../../../sdk/internal.js";
import type { RemoteEndpoint } from "../../../sdk/lxd/endpoint.js";
import type { Connector, SocketOpener, Transport } from "../../transport/types.js";
import { LxdClient } from "./client.js";

/** The LXD providers reach the API's Unix socket through the host's transport. */
export type LxdConnector = Connector<Transport & SocketOpener>;

export function clientFor(connect: LxdConnector, e: RemoteEndpoint, log?: (m: string) => void): LxdClient {
  return new LxdClient(connect(e.connection, log), e.socket);
}

/** Identifies a server, for ids and duplicate checks. */
export function serverOf(e: RemoteEndpoint): string {
  return `${machineOf(e.connection)}${e.socket}`;
}
