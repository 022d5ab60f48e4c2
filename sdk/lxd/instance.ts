/** lxd.Instance: a container (or VM) that is SSH-ready, with its host key pinned from the LXD API. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { Output, type Input } from "../output.js";
import type { Connection } from "../ssh/connection.js";
import { ConfigMapSchema, LxdNameSchema, RemoteEndpointSchema, SizeSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const INSTANCE_TYPE = "drydock:lxd:Instance";

export const InstanceArgsSchema = z.object({
  remote: RemoteEndpointSchema,
  /** The instance's name in LXD, also its hostname. @default the resource name */
  name: LxdNameSchema,
  /** An image alias or fingerprint on the server. Changing it replaces the instance. */
  image: z.string().min(1, "image must not be empty"),
  /** @default "container" */
  type: z.enum(["container", "virtual-machine"]).default("container"),
  /** @default ["default"] */
  profiles: z.array(LxdNameSchema).default(["default"]),
  /** Updated in place. */
  limits: z.object({
    /** CPU count, or a pinning range such as "0-1". */
    cpu: z.union([z.number().int().min(1), z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'cpu must be a count or a range such as "0-1"')]).optional(),
    memory: SizeSchema.optional(),
  }).strict().default({}),
  /** The root disk; without it the profiles' root disk applies. Changing the pool replaces the instance. */
  rootDisk: z.object({ pool: LxdNameSchema, size: SizeSchema.optional() }).strict().optional(),
  /** Bridges to attach, as eth0, eth1, … in this order. @default the profiles' NICs */
  networks: z.array(LxdNameSchema).default([]),
  /** More instance options (https://documentation.ubuntu.com/lxd/en/latest/reference/instance_options/). */
  config: ConfigMapSchema.default({}),
  /** Public keys for root's authorized_keys (written through the LXD API, before first boot). */
  authorizedKeys: z.array(z.string().regex(/^(ssh-|ecdsa-|sk-)\S+ \S+/, "must be a public key line")).default([]),
  /** How drydock logs in once it is up. @default root, with the LXD server's key or agent */
  login: z.object({
    user: z.string().min(1).default("root"),
    privateKey: z.string().min(1).optional(),
    privateKeyPath: z.string().min(1).optional(),
    passphrase: z.string().optional(),
    agent: z.union([z.boolean(), z.string().min(1)]).optional(),
  }).strict().default({ user: "root" }),
  /** Reach it through the LXD server (the bridge is rarely routable from here) or directly. @default "jump" */
  reach: z.enum(["jump", "direct"]).default("jump"),
  /** Seconds to wait for an address and for SSH. @default 120 */
  readyTimeout: z.number().positive().default(120),
}).strict();

export type InstanceInputs = z.infer<typeof InstanceArgsSchema>;

export interface InstanceArgs {
  readonly remote: RemoteLike;
  readonly name?: Input<string>;
  /** An alias, a fingerprint, or an lxd.Image. */
  readonly image: Input<string> | { readonly fingerprint: Output<string> };
  readonly type?: Input<"container" | "virtual-machine">;
  readonly profiles?: Input<readonly Input<string>[]>;
  readonly limits?: Input<{ readonly cpu?: Input<number | string>; readonly memory?: Input<string> }>;
  readonly rootDisk?: Input<{ readonly pool: Input<string>; readonly size?: Input<string> }>;
  readonly networks?: Input<readonly Input<string>[]>;
  readonly config?: Input<Record<string, Input<string>>>;
  readonly authorizedKeys?: Input<readonly Input<string>[]>;
  readonly login?: Input<InstanceInputs["login"]>;
  readonly reach?: Input<"jump" | "direct">;
  readonly readyTimeout?: Input<number>;
}

export class Instance extends CustomResource {
  declare readonly name: Output<string>;
  /** Its IPv4 address on the first network. */
  declare readonly address: Output<string>;
  /** Its SSH host key (ed25519 public key line), read through the LXD API. */
  declare readonly hostKey: Output<string>;
  /** How to reach it: pinned key, through the LXD server by default. */
  declare readonly connection: Output<Connection>;
  declare readonly status: Output<string>;

  constructor(name: string, args: InstanceArgs, opts?: ResourceOptions) {
    const image = args.image && typeof args.image === "object" && !Output.isInstance(args.image) && "fingerprint" in args.image
      ? args.image.fingerprint
      : (args.image as Input<string>);
    super(INSTANCE_TYPE, name, { ...args, image, name: args.name ?? name, remote: toEndpoint(args.remote) }, opts,
      ["address", "hostKey", "connection", "status"]);
  }
}
