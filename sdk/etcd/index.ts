/** etcd clusters over mTLS, from pinned release binaries, built from host building blocks. */
export { Cluster, CLUSTER_TYPE, SettingsSchema, RestoreSchema as ClusterRestoreSchema, type ClusterArgs, type MemberArgs, type Settings } from "./cluster.js";
export {
  Bootstrap, Member, Voter, BOOTSTRAP_TYPE, MEMBER_TYPE, VOTER_TYPE, BootstrapArgsSchema, MemberArgsSchema, VoterArgsSchema, RestoreSchema,
  type BootstrapInputs, type MemberResourceInputs, type VoterInputs,
} from "./parts.js";
export { DataDirSchema, dataDirProblem } from "./data-dir.js";
