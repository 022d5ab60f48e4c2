/**
 * An etcd cluster on LXD instances drydock makes itself: the instances (on a
 * bridge of their own, reached through the LXD server over SSH), an etcd CA,
 * and etcd with client-certificate auth on both ports. `members` scales it;
 * `restoreFrom` starts it from a `drydock backup` archive instead of empty.
 */
import { Config, lxd, pki, ssh, etcd, type Artifact } from "drydock";

const config = new Config();
const prefix = config.get("prefix") ?? "etcdex";
const count = config.getNumber("members") ?? 3;
// Machines made but not (yet) in etcd: `members` of them run etcd unless `etcdMembers` says fewer.
const etcdCount = config.getNumber("etcdMembers") ?? count;
const withEtcd = config.getBoolean("etcd") ?? true;

const server = new ssh.Host("lxd-server", {
  address: config.require("sshHost"),
  port: config.getNumber("sshPort") ?? 22,
  user: config.require("sshUser"),
  privateKeyPath: config.require("sshKeyPath"),
  hostKey: config.require("sshHostKey"),
});
const remote = new lxd.Remote("lab", { host: server });

const bridge = new lxd.Network("bridge", { remote, name: `${prefix}-br0`, ipv4: config.get("subnet") ?? "10.220.0.1/24" });

const hosts = Array.from({ length: count }, (_, i) =>
  new lxd.Instance(`etcd-${i + 1}`, {
    remote, name: `${prefix}-${i + 1}`,
    image: config.get("image") ?? "drydock-debian-12",
    networks: [bridge],
    ...(config.get("pool") ? { rootDisk: { pool: config.require("pool") } } : {}),
    limits: { cpu: 1, memory: "512MiB" },
    authorizedKeys: [config.require("authorizedKey")],
  }),
);

// Debian's etcd 3.4 binaries through file://; a release tarball works the same with `path`.
const binary = (name: string): Artifact => ({
  name, version: config.get("etcdVersion") ?? "3.4.23",
  url: `file://${config.get(`${name}Path`) ?? `/usr/bin/${name}`}`,
  sha256: config.require(`${name}Sha256`),
});

const ca = new pki.CertificateAuthority("etcd-ca", { commonName: `${prefix}-etcd-ca` });

// Optional settings a test or an operator changes between runs: each rolls, one member at a time.
const heartbeat = config.getNumber("heartbeatInterval");
const cluster = withEtcd ? new etcd.Cluster("etcd", {
  clusterName: config.get("clusterName") ?? prefix,
  members: hosts.slice(0, etcdCount).map((h, i) => ({ name: `${prefix}-${i + 1}`, host: h })),
  etcd: binary("etcd"),
  etcdctl: binary("etcdctl"),
  ca,
  ...(config.get("restoreFrom") ? { restoreFrom: config.require("restoreFrom") } : {}),
  ...(config.getNumber("clientPort") ? { clientPort: config.requireNumber("clientPort") } : {}),
  ...(config.getNumber("peerPort") ? { peerPort: config.requireNumber("peerPort") } : {}),
  ...(config.get("dataDir") ? { dataDir: config.require("dataDir") } : {}),
  ...(heartbeat ? { settings: { heartbeatInterval: heartbeat, electionTimeout: 10 * heartbeat } } : {}),
}) : undefined;

export const addresses = hosts.map((h) => h.address);
export const caCertPem = ca.certPem;
export const endpoints = cluster?.endpoints;
export const clientCertPem = cluster?.clientCertPem;
export const clientKeyPem = cluster?.clientKeyPem;
