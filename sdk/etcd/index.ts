/** etcd clusters over mTLS, from pinned release binaries. */
export { Cluster, CLUSTER_TYPE, ClusterArgsSchema, MemberSchema, SettingsSchema, type ClusterArgs, type ClusterInputs, type MemberArgs, type MemberInputs } from "./cluster.js";
