/** lxd.Remote: an LXD server reached over SSH; its REST API is used on the server's unix socket. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { DEFAULT_SOCKET, type RemoteEndpoint } from "./endpoint.js";

export const REMOTE_TYPE = "drydock:lxd:Remote";

export const RemoteArgsSchema = z.object({
  /** The LXD server's SSH connection (an ssh.Host, or a Connection); its user must be allowed on the socket (group lxd). */
  host: ConnectionSchema,
  /** The LXD API's unix socket on the server; the snap's is "/var/snap/lxd/common/lxd/unix.socket". @default "/var/lib/lxd/unix.socket" */
  socket: z.string().startsWith("/", "socket must be an absolute path").default(DEFAULT_SOCKET),
}).strict();

export type RemoteInputs = z.infer<typeof RemoteArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface RemoteArgs extends Override<ArgsOf<z.input<typeof RemoteArgsSchema>>, { host: ConnectionLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Remote extends OutputsOf<RemoteInputs> {}

/** Checks the API answers; outputs what other LXD resources need to reach it. */
export class Remote extends CustomResource {
  /** The connection and socket other LXD resources use (pass the Remote itself as their `remote`). */
  declare readonly endpoint: Output<RemoteEndpoint>;
  /** The server's name, as its API reports it. */
  declare readonly serverName: Output<string>;
  /** The LXD version the server runs. */
  declare readonly serverVersion: Output<string>;
  /** The storage drivers the server supports, sorted. */
  declare readonly storageDrivers: Output<string[]>;

  constructor(name: string, args: RemoteArgs, opts?: ResourceOptions) {
    super(REMOTE_TYPE, name, { ...args, host: toConnection(args.host) }, opts,
      outputNames(RemoteArgsSchema, ["endpoint", "serverName", "serverVersion", "storageDrivers"]));
  }
}
