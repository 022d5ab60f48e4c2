/** lxd.Remote: an LXD server reached over SSH; its REST API is used on the server's unix socket. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { DEFAULT_SOCKET, type RemoteEndpoint } from "./endpoint.js";

export const REMOTE_TYPE = "drydock:lxd:Remote";

export const RemoteArgsSchema = z.object({
  /** The LXD server's SSH connection (an ssh.Host); its user must be allowed on the socket (group lxd). */
  host: ConnectionSchema,
  /** @default "/var/lib/lxd/unix.socket" */
  socket: z.string().startsWith("/", "socket must be an absolute path").default(DEFAULT_SOCKET),
}).strict();

export type RemoteInputs = z.infer<typeof RemoteArgsSchema>;

export interface RemoteArgs {
  /** The LXD server's SSH connection (an ssh.Host); its user must be allowed on the socket (group lxd). */
  readonly host: ConnectionLike;
  /** The LXD API's unix socket on the server; the snap's is "/var/snap/lxd/common/lxd/unix.socket". @default "/var/lib/lxd/unix.socket" */
  readonly socket?: Input<string>;
}

/** Checks the API answers; outputs what other LXD resources need to reach it. */
export class Remote extends CustomResource {
  declare readonly endpoint: Output<RemoteEndpoint>;
  declare readonly serverName: Output<string>;
  declare readonly serverVersion: Output<string>;
  declare readonly storageDrivers: Output<string[]>;

  constructor(name: string, args: RemoteArgs, opts?: ResourceOptions) {
    super(REMOTE_TYPE, name, { ...args, host: toConnection(args.host) }, opts, ["endpoint", "serverName", "serverVersion", "storageDrivers"]);
  }
}
