/**
 * The etcd-specific resources an etcd.Cluster is built from, besides the host
 * building blocks and pki.* certificates:
 * - Bootstrap: which members found the cluster (and from what: empty, or a backup's snapshot);
 * - Member: a member's place in etcd's member list and its data directory, before its service starts
 *   (a founder's bootstrap settings, or `member add --learner` for one that joins later);
 * - Voter: after its service started, a learner promoted to a voting member; on delete the member
 *   is removed from the cluster before its service stops.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Inputs, Output } from "../output.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { isIP } from "../net.js";
import { DataDirSchema } from "./data-dir.js";
import { SettingsSchema } from "./settings.js";

export const BOOTSTRAP_TYPE = "drydock:etcd:Bootstrap";
export const MEMBER_TYPE = "drydock:etcd:Member";
export const VOTER_TYPE = "drydock:etcd:Voter";

export const MemberNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be lowercase letters, digits and hyphens (a DNS label)");
const AddressSchema = z.string().refine((s) => isIP(s), "must be an IPv4 or IPv6 address");
const PortSchema = z.number().int().min(1).max(65535);

export const RestoreSchema = z.object({
  /** A backup archive written by `drydock backup`. */
  file: z.string().min(1, "file must not be empty"),
  /** Which cluster's snapshot, when the backup holds several. @default the only one */
  cluster: z.string().optional(),
}).strict();

/** Another member, as one that may answer etcdctl for this one. */
export const PeerSchema = z.object({ name: MemberNameSchema, connection: ConnectionSchema }).strict();

export const BootstrapArgsSchema = z.object({
  clusterName: MemberNameSchema,
  dataDir: DataDirSchema,
  /** Every member: name, machine, address and peer URL. */
  members: z.array(z.object({ name: MemberNameSchema, connection: ConnectionSchema, address: AddressSchema, peerUrl: z.string() }).strict()).min(1, "members must name at least one member"),
  allowEvenMembers: z.boolean().default(false),
  restoreFrom: RestoreSchema.optional(),
  /** Checked here once for the whole cluster; the members' units carry them. */
  settings: SettingsSchema.optional(),
}).strict();
export type BootstrapInputs = z.infer<typeof BootstrapArgsSchema>;

export const MemberArgsSchema = z.object({
  clusterName: MemberNameSchema,
  name: MemberNameSchema,
  connection: ConnectionSchema,
  address: AddressSchema,
  peerPort: PortSchema,
  clientPort: PortSchema,
  dataDir: DataDirSchema,
  /** One of the members that start the cluster together. */
  founder: z.boolean(),
  /** The founders' `name=peerURL` list (etcd's --initial-cluster). */
  initialCluster: z.string().min(1),
  peers: z.array(PeerSchema).default([]),
  restoreFrom: RestoreSchema.optional(),
  /** Seconds etcd may take to accept a new member. @default 90 */
  healthTimeout: z.number().positive().default(90),
}).strict();
export type MemberResourceInputs = z.infer<typeof MemberArgsSchema>;

export const VoterArgsSchema = z.object({
  clusterName: MemberNameSchema,
  name: MemberNameSchema,
  connection: ConnectionSchema,
  peerUrl: z.string().min(1),
  /** Its id (hex), from its etcd.Member. */
  memberId: z.string().regex(/^[0-9a-f]{1,16}$/, "must be a hex member id"),
  /** Joined as a learner: promoted once it caught up. */
  learner: z.boolean(),
  /** Members (this one included) that may answer etcdctl. */
  peers: z.array(PeerSchema).min(1),
  /** Every member's client URL: who must be healthy after this one leaves. */
  endpoints: z.array(z.string()).default([]),
  healthTimeout: z.number().positive().default(90),
}).strict();
export type VoterInputs = z.infer<typeof VoterArgsSchema>;

export class Bootstrap extends CustomResource {
  /** `name@address` of the members that found the cluster. */
  declare readonly founders: Output<string[]>;
  declare readonly initialCluster: Output<string>;
  constructor(name: string, args: Inputs, opts?: ResourceOptions) {
    super(BOOTSTRAP_TYPE, name, args, opts, ["founders", "initialCluster"]);
  }
}

export class Member extends CustomResource {
  /** "new" for a founder, "existing" for a member that joined later. */
  declare readonly initialState: Output<string>;
  /** Joined as a learner (promoted by its Voter). */
  declare readonly learner: Output<boolean>;
  /** Its id (hex), as etcd lists it. */
  declare readonly memberId: Output<string>;
  constructor(name: string, args: Inputs, opts?: ResourceOptions) {
    super(MEMBER_TYPE, name, args, opts, ["initialState", "learner", "memberId"]);
  }
}

export class Voter extends CustomResource {
  /** The member's id (hex), as etcd lists it. */
  declare readonly memberId: Output<string>;
  constructor(name: string, args: Inputs, opts?: ResourceOptions) {
    super(VOTER_TYPE, name, args, opts, ["memberId"]);
  }
}

export type { Input };
