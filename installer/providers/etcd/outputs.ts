/** What an etcd.Cluster records: its inputs as they really are, and what it made. */
import type { ClusterCerts } from "./certs.js";
import type { Inputs } from "./plan.js";

/** The cluster's outputs: its inputs as they really are (after a partial failure, the members that exist), and what it made. */
export interface Outputs extends Inputs {
  readonly endpoints: string[];
  readonly caCertPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly memberIds: Record<string, string>;
  /** Every certificate and key the cluster keeps (the CA's too when it made its own). */
  readonly pki: ClusterCerts;
}
