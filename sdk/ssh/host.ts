/** ssh.Host: an existing machine reached over SSH. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { ConnectionSchema, HostKeySchema, LoginFields, SudoSchema, checkLogin, type Connection } from "./connection.js";
import { toConnection, type ConnectionLike } from "./target.js";

export const HOST_TYPE = "drydock:ssh:Host";

export const HostArgsSchema = z.object({
  /** DNS name or IP address. */
  address: z.string().min(1, "address must not be empty"),
  /** The SSH port. @default 22 */
  port: z.number().int().min(1).max(65535).default(22),
  /** The login user. */
  user: z.string().min(1, "user must not be empty"),
  // How to log in; privateKey, passphrase and password are secrets whether or not the program made them so.
  ...LoginFields,
  /** The host key(s) to accept: `SHA256:…` fingerprints or public key lines. */
  hostKey: z.union([HostKeySchema, z.array(HostKeySchema).min(1)]).optional(),
  /** Accept an unknown host's key once and pin it in state. @default false */
  trustOnFirstUse: z.boolean().default(false),
  /** The hop before this host (a bastion's connection); verified the same way. */
  jump: ConnectionSchema.optional(),
  /** How to become root: `true` (passwordless) or `{ password }` (sent on stdin). */
  sudo: SudoSchema.optional(),
  /** Seconds to keep retrying to connect. @default 30 */
  connectTimeout: z.number().positive().optional(),
}).strict().superRefine((h, ctx) => {
  checkLogin(h, ctx);
  if (!h.hostKey && !h.trustOnFirstUse) {
    ctx.addIssue({ code: "custom", path: ["hostKey"], message: "pin the host key (hostKey: \"SHA256:…\", see ssh-keygen -lf) or set trustOnFirstUse: true" });
  }
});

export type HostInputs = z.infer<typeof HostArgsSchema>;

export interface HostFacts {
  readonly hostname: string;
  /** PRETTY_NAME from /etc/os-release. */
  readonly os: string;
  /** `uname -m`. */
  readonly arch: string;
  readonly kernel: string;
}

/** What a program passes; fields documented on the schema. */
export interface HostArgs extends Override<ArgsOf<z.input<typeof HostArgsSchema>>, { jump: ConnectionLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Host extends OutputsOf<Omit<HostInputs, "hostKey">> {}

/**
 * A machine drydock does not create, only reaches: `read` (refresh) checks it
 * answers with its pinned key and gathers its facts. Deleting it forgets it.
 */
export class Host extends CustomResource {
  /** How other resources reach this host; the host key is pinned. */
  declare readonly connection: Output<Connection>;
  /** The pinned host key fingerprint. */
  declare readonly hostKey: Output<string>;
  /** What the host says about itself, gathered on create and refresh. */
  declare readonly facts: Output<HostFacts>;

  constructor(name: string, args: HostArgs, opts?: ResourceOptions) {
    super(HOST_TYPE, name, { ...args, ...(args.jump ? { jump: toConnection(args.jump) } : {}) }, opts,
      outputNames(HostArgsSchema, ["connection", "hostKey", "facts"]));
  }
}
