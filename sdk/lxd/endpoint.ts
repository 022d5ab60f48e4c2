/** How LXD resources reach their server: the SSH connection and the API's unix socket there. */
import { z } from "zod";
import { Output, type Input } from "../output.js";
import { ConnectionSchema, type Connection } from "../ssh/connection.js";

/** Debian's LXD package; the snap's is /var/snap/lxd/common/lxd/unix.socket. */
export const DEFAULT_SOCKET = "/var/lib/lxd/unix.socket";

export interface RemoteEndpoint {
  readonly connection: Connection;
  readonly socket: string;
}

export const RemoteEndpointSchema: z.ZodType<RemoteEndpoint> = z.object({
  connection: ConnectionSchema,
  socket: z.string().startsWith("/", "socket must be an absolute path"),
}).strict() as unknown as z.ZodType<RemoteEndpoint>;

/** An lxd.Remote, or its endpoint. */
export type RemoteLike = Input<RemoteEndpoint> | { readonly endpoint: Output<RemoteEndpoint> };

export function toEndpoint(x: RemoteLike): Input<RemoteEndpoint> {
  if (x && typeof x === "object" && !Output.isInstance(x) && "endpoint" in x && Output.isInstance((x as { endpoint: unknown }).endpoint)) {
    return (x as { endpoint: Output<RemoteEndpoint> }).endpoint;
  }
  return x as Input<RemoteEndpoint>;
}

/** LXD object names: a hostname label (letters, digits, hyphens; starts with a letter). */
export const LxdNameSchema = z.string().regex(/^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/,
  "must be 1-63 letters, digits or hyphens, start with a letter and not end with a hyphen");

/** LXD config maps hold strings only. */
export const ConfigMapSchema = z.record(z.string(), z.string());

/** Sizes in binary units, as LXD reads them: "512MiB", "2GiB". */
export const SizeSchema = z.string().regex(/^[1-9][0-9]*(MiB|GiB|TiB)$/, 'must be a size in binary units such as "512MiB" or "2GiB"');
