/** lxd.Instance: a container (or VM) that is SSH-ready, with its host key pinned from the LXD API. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import { Output, type Input } from "../output.js";
import type { Connection } from "../ssh/connection.js";
import type { ArgsOf, Override } from "../args.js";
import { nameOf, type NameRef } from "./args.js";
import { Network } from "./network.js";
import { Profile } from "./profile.js";
import { StoragePool } from "./storage-pool.js";
import { ConfigMapSchema, LxdNameSchema, RemoteEndpointSchema, SizeSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const INSTANCE_TYPE = "drydock:lxd:Instance";

export const InstanceArgsSchema = z.object({
  /** The LXD server: an lxd.Remote, or its endpoint. */
  remote: RemoteEndpointSchema,
  /** The instance's name in LXD, also its hostname. @default the resource name */
  name: LxdNameSchema,
  /** An image alias or fingerprint on the server, or an lxd.Image. Changing it replaces the instance. */
  image: z.string().min(1, "image must not be empty"),
  /** A container, or a virtual machine (the server needs KVM). @default "container" */
  type: z.enum(["container", "virtual-machine"]).default("container"),
  /** Profiles (lxd.Profile resources or names), applied in this order; updated in place. @default ["default"] */
  profiles: z.array(LxdNameSchema).default(["default"]),
  /** Updated in place. */
  limits: z.object({
    /** CPU count, or a pinning range such as "0-1". @default no limit */
    cpu: z.union([z.number().int().min(1), z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'cpu must be a count or a range such as "0-1"')]).optional(),
    /** Memory in binary units, such as "512MiB". @default no limit */
    memory: SizeSchema.optional(),
  }).strict().default({}),
  /** The root disk; without it the profiles' root disk applies. Changing the pool replaces the instance. */
  rootDisk: z.object({
    /** The storage pool: an lxd.StoragePool, or its name. */
    pool: LxdNameSchema,
    /** @default the pool's default volume size */
    size: SizeSchema.optional(),
  }).strict().optional(),
  /** Bridges (lxd.Network resources or names) to attach, as eth0, eth1, … in this order. @default [] (the profiles' NICs) */
  networks: z.array(LxdNameSchema).default([]),
  /** More instance options (https://documentation.ubuntu.com/lxd/en/latest/reference/instance_options/). */
  config: ConfigMapSchema.default({}),
  /**
   * Public keys for root's `/root/.ssh/authorized_keys`, written through the LXD API before first boot.
   * Only with `login.user` root: another user's home may not exist before the image first boots.
   * @default []
   */
  authorizedKeys: z.array(z.string().regex(/^(ssh-|ecdsa-|sk-)\S+ \S+/, "must be a public key line")).default([]),
  /**
   * How drydock logs in once it is up. Without a key or agent here, it logs in with the LXD server's
   * connection's own key or agent: give that key's public half in `authorizedKeys` (or bake it into the image).
   * @default { user: "root" } with the LXD server connection's key or agent
   */
  login: z.object({
    /** @default "root" */
    user: z.string().min(1).default("root"),
    /** PEM/OpenSSH private key text (kept secret). */
    privateKey: z.string().min(1).optional(),
    /** Path of a private key file on the machine running drydock. */
    privateKeyPath: z.string().min(1).optional(),
    /** Passphrase of an encrypted private key (kept secret). */
    passphrase: z.string().optional(),
    /** `true`: the ssh-agent at SSH_AUTH_SOCK; a string: that agent socket. */
    agent: z.union([z.boolean(), z.string().min(1)]).optional(),
  }).strict().default({ user: "root" }),
  /** Reach it through the LXD server (the bridge is rarely routable from here) or directly. @default "jump" */
  reach: z.enum(["jump", "direct"]).default("jump"),
  /** Seconds to wait for an address and for SSH. @default 120 */
  readyTimeout: z.number().positive().default(120),
}).strict().superRefine((i, ctx) => {
  if (i.authorizedKeys.length && i.login.user !== "root") {
    ctx.addIssue({
      code: "custom", path: ["authorizedKeys"],
      message: `authorizedKeys go to root's authorized_keys, so they would not let login.user "${i.login.user}" in: log in as root, or give ${i.login.user} keys in the image and login.privateKey here`,
    });
  }
});

export type InstanceInputs = z.infer<typeof InstanceArgsSchema>;

type Schema = z.input<typeof InstanceArgsSchema>;

/** What a program passes; fields documented on the schema. A pool, profile or bridge given as a resource is waited for; a literal name creates no dependency. */
export interface InstanceArgs extends Override<ArgsOf<Schema, "name">, {
  remote: RemoteLike;
  image: Input<string> | { readonly fingerprint: Output<string> };
  profiles: readonly NameRef<Profile>[] | Input<readonly string[]>;
  rootDisk: Override<ArgsOf<NonNullable<Schema["rootDisk"]>>, { pool: NameRef<StoragePool> }>;
  networks: readonly NameRef<Network>[] | Input<readonly string[]>;
}> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Instance extends OutputsOf<InstanceInputs> {}

export class Instance extends CustomResource {
  /** Its IPv4 address on the first network. */
  declare readonly address: Output<string>;
  /** Its SSH host key (ed25519 public key line), read through the LXD API. */
  declare readonly hostKey: Output<string>;
  /** How to reach it: pinned key, through the LXD server by default. */
  declare readonly connection: Output<Connection>;
  /** LXD's status for it: "Running" once drydock has it up. */
  declare readonly status: Output<string>;

  constructor(name: string, args: InstanceArgs, opts?: ResourceOptions) {
    const image = args.image && typeof args.image === "object" && !Output.isInstance(args.image) && "fingerprint" in args.image
      ? args.image.fingerprint
      : (args.image as Input<string>);
    super(INSTANCE_TYPE, name, {
      ...args, image, name: args.name ?? name, remote: toEndpoint(args.remote),
      ...names("profiles", args.profiles, (v) => v instanceof Profile),
      ...names("networks", args.networks, (v) => v instanceof Network),
      ...(isPlainArg(args.rootDisk) ? { rootDisk: { ...args.rootDisk, pool: nameOf(args.rootDisk.pool, (v) => v instanceof StoragePool) } } : {}),
    }, opts,
      outputNames(InstanceArgsSchema, ["address", "hostKey", "connection", "status"]));
  }
}

/** A plain object or array the program wrote (not an Output or a Promise), whose elements may be resources. */
function isPlainArg<T>(x: T): x is Exclude<T, Output<unknown> | Promise<unknown> | undefined | null> {
  return !!x && typeof x === "object" && !Output.isInstance(x) && !(x instanceof Promise);
}

/** `{ [key]: names }` with each resource replaced by its `.name`; nothing when the program left the field out. */
function names<R extends { readonly name: Input<string> }>(key: string, list: readonly NameRef<R>[] | Input<readonly string[]> | undefined, isResource: (v: unknown) => v is R): Record<string, unknown> {
  if (list === undefined) return {};
  return { [key]: isPlainArg(list) && Array.isArray(list) ? list.map((x: NameRef<R>) => nameOf(x, isResource)) : list };
}
