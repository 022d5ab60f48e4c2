/** etcd.Cluster: an etcd cluster on machines drydock reaches over SSH, with mTLS on client and peer ports. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { Output, secret, type Input } from "../output.js";
import { ArtifactSchema, type Artifact } from "../artifact.js";
import { ConnectionSchema, type Connection } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { CaRefSchema, DurationSchema, toPemPair, type CaLike } from "../pki/common.js";
import { isIP } from "../net.js";
import { DataDirSchema } from "./data-dir.js";

export const CLUSTER_TYPE = "drydock:etcd:Cluster";

const MemberNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be lowercase letters, digits and hyphens (a DNS label)");

export const MemberSchema = z.object({
  name: MemberNameSchema,
  connection: ConnectionSchema,
  /** The address peers and clients use; @default the host's address (lxd.Instance) or the connection's host when it is an IP */
  address: z.string().refine((s) => isIP(s), "must be an IPv4 or IPv6 address").optional(),
}).strict();

export const SettingsSchema = z.object({
  /** Milliseconds. @default 100 */
  heartbeatInterval: z.number().int().min(10).default(100),
  /** Milliseconds; at least 5× the heartbeat. @default 1000 */
  electionTimeout: z.number().int().min(50).default(1000),
  /** @default 10000 */
  snapshotCount: z.number().int().min(1).default(10000),
  /** Bytes; 0 means etcd's default (2 GiB). @default 0 */
  quotaBackendBytes: z.number().int().min(0).default(0),
  /** Hours of history kept, e.g. "1" (periodic auto-compaction). @default "0" (off) */
  autoCompactionRetention: z.string().regex(/^\d+$/, "must be a whole number of hours").default("0"),
}).strict().refine((s) => s.electionTimeout >= 5 * s.heartbeatInterval, { message: "electionTimeout must be at least 5× heartbeatInterval", path: ["electionTimeout"] });

export const RestoreSchema = z.object({
  /** A backup archive written by `drydock backup`. */
  file: z.string().min(1, "file must not be empty"),
  /** Which cluster's snapshot, when the backup holds several. @default the only one */
  cluster: z.string().optional(),
}).strict();

export const ClusterArgsSchema = z.object({
  /** The cluster token, and the prefix of its CA's name. @default the resource name */
  clusterName: MemberNameSchema,
  members: z.array(MemberSchema).min(1, "members must name at least one member"),
  /** An even count tolerates no more failures than one fewer; refused unless this is set. @default false */
  allowEvenMembers: z.boolean().default(false),
  /** The etcd and etcdctl binaries. */
  etcd: ArtifactSchema,
  etcdctl: ArtifactSchema,
  /** The CA that signs members' and clients' certificates. @default one made for this cluster */
  ca: CaRefSchema.optional(),
  clientPort: z.number().int().min(1).max(65535).default(2379),
  peerPort: z.number().int().min(1).max(65535).default(2380),
  /** A dedicated directory (at least `/var/lib/<name>`; no whitespace, `%` or control characters). @default "/var/lib/etcd" */
  dataDir: DataDirSchema,
  settings: SettingsSchema.default({ heartbeatInterval: 100, electionTimeout: 1000, snapshotCount: 10000, quotaBackendBytes: 0, autoCompactionRetention: "0" }),
  /** Members' and the client's certificates. @default "365d" */
  certValidity: DurationSchema.default("365d"),
  /** @default "30d" */
  certRenewBefore: DurationSchema.default("30d"),
  /** Start from a backup's snapshot instead of empty (only when the cluster is created). */
  restoreFrom: RestoreSchema.optional(),
  /** Seconds to wait for the cluster to be healthy after each step. @default 90 */
  healthTimeout: z.number().positive().default(90),
  /** Lets a change that makes a new, empty cluster go ahead (its data is lost); refused otherwise. @default false */
  allowReplacement: z.boolean().default(false),
}).strict();

export type ClusterInputs = z.infer<typeof ClusterArgsSchema>;
export type MemberInputs = z.infer<typeof MemberSchema>;

export interface MemberArgs {
  readonly name: Input<string>;
  /** An lxd.Instance, an ssh.Host or a Connection. */
  readonly host: ConnectionLike | { readonly connection: Output<Connection>; readonly address?: Output<string> };
  readonly address?: Input<string>;
}

export interface ClusterArgs {
  readonly clusterName?: Input<string>;
  readonly members: readonly MemberArgs[];
  readonly allowEvenMembers?: Input<boolean>;
  readonly etcd: Input<Artifact>;
  readonly etcdctl: Input<Artifact>;
  readonly ca?: CaLike;
  readonly clientPort?: Input<number>;
  readonly peerPort?: Input<number>;
  /** A dedicated directory, at least two levels under /var, /srv, /opt or /home; drydock marks it and wipes only what it made there. @default "/var/lib/etcd" */
  readonly dataDir?: Input<string>;
  readonly settings?: Input<Partial<z.input<typeof SettingsSchema>>>;
  readonly certValidity?: Input<string>;
  readonly certRenewBefore?: Input<string>;
  readonly restoreFrom?: Input<string | { readonly file: Input<string>; readonly cluster?: Input<string> }>;
  readonly healthTimeout?: Input<number>;
  /**
   * A change of `clusterName`, `dataDir` or a `ca` with another key makes a
   * new, empty cluster and loses the old one's data: refused (the plan fails)
   * unless this is true. Take a backup first and use `restoreFrom`.
   * @default false
   */
  readonly allowReplacement?: Input<boolean>;
}

function member(m: MemberArgs): Record<string, unknown> {
  const h = m.host as { address?: unknown };
  const address = m.address ?? (h && typeof h === "object" && !Output.isInstance(h) && Output.isInstance(h.address) ? h.address : undefined);
  return { name: m.name, connection: toConnection(m.host as ConnectionLike), ...(address !== undefined ? { address } : {}) };
}

export class Cluster extends CustomResource {
  /** https://address:clientPort of every member. */
  declare readonly endpoints: Output<string[]>;
  declare readonly caCertPem: Output<string>;
  /** A client certificate for the control plane (kube-apiserver's --etcd-certfile). */
  declare readonly clientCertPem: Output<string>;
  /** Secret. */
  declare readonly clientKeyPem: Output<string>;
  /** Member ids (hex) by name, as etcd lists them. */
  declare readonly memberIds: Output<Record<string, string>>;

  constructor(name: string, args: ClusterArgs, opts?: ResourceOptions) {
    const pair = args.ca === undefined ? undefined : toPemPair(args.ca);
    const ca = pair && typeof pair === "object" && "keyPem" in pair ? { ...pair, keyPem: secret(pair.keyPem) } : pair;
    const restoreFrom = typeof args.restoreFrom === "string" ? { file: args.restoreFrom } : args.restoreFrom;
    super(CLUSTER_TYPE, name, {
      ...args, clusterName: args.clusterName ?? name, members: args.members.map(member), ca, restoreFrom,
    }, { ...opts, additionalSecretOutputs: ["clientKeyPem", ...(opts?.additionalSecretOutputs ?? [])] },
    ["endpoints", "caCertPem", "clientCertPem", "clientKeyPem", "memberIds", "pki"]);
  }
}
