/**
 * etcd.Cluster: an etcd cluster on machines drydock reaches over SSH, with
 * mTLS on client and peer ports, built from small resources (see
 * docs/steps/03-etcd.md). Per member, in this order:
 *   certificates (pki.Certificate) → files (host.Files) → etcd.Member →
 *   etcd service (host.Service) → etcd.Voter → "ready" health gate;
 * and each member's changes (files, Member, service: `updatesAfter`) wait
 * for the previous member's gate, as does a later member's joining, so
 * additions, removals and restarts go one member at a time with health
 * checked in between, while the founders of a new cluster start together.
 */
import type { z } from "zod";
import { ComponentResource, type Resource, type ResourceOptions } from "../resource.js";
import { all, interpolate, output, secret, Output, type Input } from "../output.js";
import type { Artifact } from "../artifact.js";
import type { Connection } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { toPemPair, type CaLike } from "../pki/common.js";
import { CertificateAuthority } from "../pki/authority.js";
import { Certificate } from "../pki/certificate.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";
import { HealthGate } from "../host/gate.js";
import { Bootstrap, Member, Voter, RestoreSchema } from "./parts.js";
import { urlHost } from "../net.js";
import { SettingsSchema, type Settings } from "./settings.js";

export { SettingsSchema, type Settings };

export const CLUSTER_TYPE = "drydock:etcd:Cluster";



export { RestoreSchema };

/** Files etcd itself reads: a change to one of them restarts the member. */
const ETCD_READS = ["/usr/local/bin/etcd", "/etc/etcd/pki/ca.crt", "/etc/etcd/pki/server.crt", "/etc/etcd/pki/server.key", "/etc/etcd/pki/peer.crt", "/etc/etcd/pki/peer.key"];

export interface MemberArgs {
  /** The member's name in etcd (a DNS label); also names its resources. */
  readonly name: string;
  /** An lxd.Instance, an ssh.Host or a Connection. */
  readonly host: ConnectionLike | { readonly connection: Output<Connection>; readonly address?: Output<string> };
  /** The address peers and clients use. @default the host's address (lxd.Instance) or the connection's host */
  readonly address?: Input<string>;
}

export interface ClusterArgs {
  /** The cluster token, and the prefix of its CA's name. @default the resource name */
  readonly clusterName?: string;
  readonly members: readonly MemberArgs[];
  /** An even count tolerates no more failures than one fewer; refused unless this is set. @default false */
  readonly allowEvenMembers?: Input<boolean>;
  /** The etcd and etcdctl binaries (sha256-pinned). */
  readonly etcd: Input<Artifact>;
  readonly etcdctl: Input<Artifact>;
  /** The CA that signs members' and clients' certificates. @default a pki.CertificateAuthority made for this cluster */
  readonly ca?: CaLike;
  /** @default 2379 */
  readonly clientPort?: Input<number>;
  /** @default 2380 */
  readonly peerPort?: Input<number>;
  /** A dedicated directory, at least two levels under /var, /srv, /opt or /home; drydock marks it and wipes only what it made there. @default "/var/lib/etcd" */
  readonly dataDir?: Input<string>;
  readonly settings?: Partial<z.input<typeof SettingsSchema>>;
  /** Members' and the client's certificates. @default "365d" */
  readonly certValidity?: Input<string>;
  /** @default "30d" */
  readonly certRenewBefore?: Input<string>;
  /** Start from a backup's snapshot instead of empty (only when the cluster is founded). */
  readonly restoreFrom?: Input<string | { readonly file: Input<string>; readonly cluster?: Input<string> }>;
  /** Seconds to wait for a member (and the cluster) to be healthy after each step. @default 90 */
  readonly healthTimeout?: Input<number>;
}

/** The member's address: given, the host's (lxd.Instance), or its connection's host. */
function addressOf(m: MemberArgs, connection: Output<Connection>): Output<string> {
  if (m.address !== undefined) return output(m.address);
  const h = m.host as { address?: unknown };
  if (h && typeof h === "object" && !Output.isInstance(h) && Output.isInstance(h.address)) return h.address as Output<string>;
  return connection.apply((c) => c.host);
}

export class Cluster extends ComponentResource {
  /** https://address:clientPort of every member. */
  readonly endpoints: Output<string[]>;
  readonly caCertPem: Output<string>;
  /** A client certificate for the control plane (kube-apiserver's --etcd-certfile). */
  readonly clientCertPem: Output<string>;
  /** Secret. */
  readonly clientKeyPem: Output<string>;
  /** Member ids (hex) by name, as etcd lists them. */
  readonly memberIds: Output<Record<string, string>>;
  /** The gate that passes once every member is healthy with one leader: depend on it (or on the cluster). */
  readonly healthy: HealthGate;

  constructor(name: string, args: ClusterArgs, opts?: ResourceOptions) {
    super(CLUSTER_TYPE, name, {}, opts);
    const parent = this;
    const clusterName = args.clusterName ?? name;
    const clientPort = output(args.clientPort ?? 2379);
    const peerPort = output(args.peerPort ?? 2380);
    const dataDir = output(args.dataDir ?? "/var/lib/etcd");
    const healthTimeout = output(args.healthTimeout ?? 90);
    const settings = SettingsSchema.safeParse(args.settings ?? {});
    const validity = args.certValidity ?? "365d";
    const renewBefore = args.certRenewBefore ?? "30d";
    const restoreFrom = args.restoreFrom === undefined ? undefined
      : output(args.restoreFrom).apply((r) => (typeof r === "string" ? { file: r } : r));

    const ca = args.ca === undefined
      ? new CertificateAuthority(`${name}-ca`, { commonName: `${clusterName}-etcd-ca` }, { parent })
      : toPemPair(args.ca);
    const caPair = ca instanceof CertificateAuthority ? { certPem: ca.certPem, keyPem: ca.keyPem } : ca;
    const caCertPem = output(caPair).apply((p) => p.certPem);
    const client = new Certificate(`${name}-client`, { ca: caPair, commonName: `${clusterName}-client`, usages: ["client"], validity, renewBefore }, { parent });

    const members = args.members.map((m) => {
      const connection = output(toConnection(m.host as ConnectionLike));
      const address = addressOf(m, connection);
      return {
        name: m.name, connection, address,
        peerUrl: interpolate`https://${address.apply(urlHost)}:${peerPort}`,
        clientUrl: interpolate`https://${address.apply(urlHost)}:${clientPort}`,
      };
    });
    const clientUrls = all(members.map((m) => m.clientUrl));
    const urlList = clientUrls.apply((u) => u.join(","));
    const peers = members.map((m) => ({ name: m.name, connection: m.connection }));

    const bootstrap = new Bootstrap(`${name}-bootstrap`, {
      clusterName, dataDir, allowEvenMembers: args.allowEvenMembers ?? false, restoreFrom,
      members: members.map((m) => ({ name: m.name, connection: m.connection, address: m.address, peerUrl: m.peerUrl })),
      // Settings are checked here, where a bad one is reported once for the whole cluster.
      settings: args.settings ?? {},
    }, { parent });

    let previous: Resource | undefined;
    const services: Service[] = [];
    const voters: Voter[] = [];
    const gates: HealthGate[] = [];
    for (const m of members) {
      const n = m.name;
      const after = previous ? [previous] : [];
      const server = new Certificate(`${name}-${n}-server`, {
        // etcd's own gateway dials the client port with the server certificate, so it is a client too (as kubeadm's is).
        ca: caPair, commonName: n, usages: ["server", "client"], dnsNames: [n, "localhost"],
        ipAddresses: m.address.apply((a) => [...new Set([a, "127.0.0.1"])]), validity, renewBefore,
      }, { parent });
      const peer = new Certificate(`${name}-${n}-peer`, { ca: caPair, commonName: n, usages: ["peer"], dnsNames: [n], ipAddresses: [m.address], validity, renewBefore }, { parent });
      const key = (path: string, pem: Output<string>) => ({ path, content: secret(pem), mode: "0600" });
      const files = new Files(`${name}-${n}-files`, {
        connection: m.connection,
        files: [
          { path: "/usr/local/bin/etcd", artifact: args.etcd },
          { path: "/usr/local/bin/etcdctl", artifact: args.etcdctl },
          { path: "/etc/etcd/pki/ca.crt", content: caCertPem },
          { path: "/etc/etcd/pki/server.crt", content: server.certPem },
          key("/etc/etcd/pki/server.key", server.keyPem),
          { path: "/etc/etcd/pki/peer.crt", content: peer.certPem },
          key("/etc/etcd/pki/peer.key", peer.keyPem),
          { path: "/etc/etcd/pki/client.crt", content: client.certPem },
          key("/etc/etcd/pki/client.key", client.keyPem),
          { path: "/etc/etcd/etcdctl.env", template: { name: "etcd/etcdctl.env", values: { clientPort } } },
          { path: "/etc/etcd/member-ready.sh", template: { name: "etcd/member-ready.sh" } },
          { path: "/etc/etcd/cluster-healthy.sh", template: { name: "etcd/cluster-healthy.sh" } },
        ],
      }, { parent, updatesAfter: after });
      const founder = all([bootstrap.founders, m.address] as const).apply(([f, a]) => (f as string[]).includes(`${n}@${a}`));
      const member = new Member(`${name}-${n}`, {
        clusterName, name: n, connection: m.connection, address: m.address, peerPort, clientPort, dataDir,
        founder, initialCluster: bootstrap.initialCluster,
        peers: peers.filter((p) => p.name !== n), restoreFrom, healthTimeout,
        // A founder starts with the others; a member that joins later waits for the one before it.
      }, { parent, dependsOn: founder.apply((f) => (f ? [files] : [files, ...after])), updatesAfter: after });
      const s = settings.success ? settings.data : SettingsSchema.parse({});
      const service = new Service(`${name}-${n}-etcd`, {
        connection: m.connection, name: "etcd", waitStarted: false, timeout: 120,
        unit: { name: "etcd/etcd.service", values: {
          name: n, clusterName, dataDir, listenAddress: m.address.apply(urlHost), urlAddress: m.address.apply(urlHost), clientPort, peerPort, ...s,
        } },
        restartOn: [files.written.apply((w) => ETCD_READS.map((p) => w[p] ?? ""))],
      }, { parent, dependsOn: [member], updatesAfter: after });
      const voter = new Voter(`${name}-${n}-voter`, {
        clusterName, name: n, connection: m.connection, peerUrl: m.peerUrl, memberId: member.memberId, learner: member.learner, peers, endpoints: clientUrls, healthTimeout,
      }, { parent, dependsOn: [service] });
      const gate = new HealthGate(`${name}-${n}-ready`, {
        description: `etcd member ${n} ready`,
        check: { kind: "command", connection: m.connection, command: "sh /etc/etcd/member-ready.sh" },
        timeout: healthTimeout, interval: 0.25, journal: { connection: m.connection, unit: "etcd" },
        triggers: [service.invocationId, voter.memberId],
      }, { parent, dependsOn: [voter] });
      services.push(service);
      voters.push(voter);
      gates.push(gate);
      previous = gate;
    }

    this.healthy = new HealthGate(`${name}-healthy`, {
      description: `etcd cluster ${clusterName}: every member healthy, one leader`,
      check: { kind: "command", connection: members[0]!.connection, command: interpolate`sh /etc/etcd/cluster-healthy.sh ${urlList}` },
      timeout: healthTimeout, interval: 0.25,
      triggers: [...services.map((s) => s.invocationId), ...voters.map((v) => v.memberId)],
    }, { parent, dependsOn: gates });

    this.endpoints = clientUrls;
    this.caCertPem = caCertPem;
    this.clientCertPem = client.certPem;
    this.clientKeyPem = client.keyPem;
    this.memberIds = all(voters.map((v) => v.memberId)).apply((ids) => Object.fromEntries(members.map((m, k) => [m.name, ids[k]!])));
    this.registerOutputs({ endpoints: this.endpoints, caCertPem, clientCertPem: this.clientCertPem, clientKeyPem: this.clientKeyPem, memberIds: this.memberIds });
  }
}
