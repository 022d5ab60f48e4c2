/**
 * A Kubernetes cluster on LXD instances, from one pinned upstream release (the lab's mirror here):
 * etcd stacked on the control-plane hosts, kube-apiserver, controller-manager and scheduler on each,
 * a virtual API address kept by keepalived when there is more than one, and workers with kubelet,
 * kube-proxy, routes between their pod subnets, and CoreDNS. See docs/steps/07-control-plane.md.
 *   drydock stack output kubeconfig --show-secrets > admin.kubeconfig
 *   kubectl --kubeconfig admin.kubeconfig get nodes
 * Config: controlPlanes (1 or 3), workers (2), subnet (the instances' bridge), vip (with more than one
 * control-plane host: a free address on that bridge; default its .250), schedulable (the
 * control-plane hosts are workers too), kubernetes (false: take the cluster off the instances, which stay).
 */
import { Config, kubernetes, lxd, ssh } from "drydock";

const config = new Config();
const prefix = config.get("prefix") ?? "kc";
const controlPlanes = config.getNumber("controlPlanes") ?? 1;
const workerCount = config.getNumber("workers") ?? 2;
const subnet = config.get("subnet") ?? "10.217.0.1/24";

const server = new ssh.Host("lxd-server", {
  address: config.require("sshHost"),
  port: config.getNumber("sshPort") ?? 22,
  user: config.require("sshUser"),
  privateKeyPath: config.require("sshKeyPath"),
  hostKey: config.require("sshHostKey"),
});
const remote = new lxd.Remote("lab", { host: server });
const bridge = new lxd.Network("bridge", { remote, name: `${prefix}-br0`, ipv4: subnet });
// The lab's kernel has the node's modules built in and no modprobe: LXD is told to load none.
const modules = config.get("kernelModules");
const profile = lxd.kubernetesNodeProfile("kubernetes-node", {
  remote, name: `${prefix}-kubernetes-node`, ...(modules !== undefined ? { kernelModules: modules.split(",").filter(Boolean) } : {}),
});
const release = new kubernetes.Release("release", {
  version: config.get("kubernetesVersion") ?? "v1.37.2",
  mirror: { url: config.require("mirrorUrl"), caPem: config.require("mirrorCa") },
});

const instance = (name: string) => new lxd.Instance(name, {
  remote, name, image: config.get("image") ?? "drydock-debian-12",
  profiles: ["default", profile.name], networks: [bridge.name],
  rootDisk: { pool: config.get("pool") ?? "default" },
  limits: { cpu: 2, memory: "2GiB" },
  authorizedKeys: [config.require("authorizedKey")],
});
const cpNames = Array.from({ length: controlPlanes }, (_, k) => `${prefix}-cp-${k + 1}`);
const workerNames = Array.from({ length: workerCount }, (_, k) => `${prefix}-worker-${k + 1}`);

const cps = cpNames.map((name) => ({ name, host: instance(name) }));
const workers = workerNames.map((name) => ({ name, host: instance(name) }));
const withKubernetes = config.getBoolean("kubernetes") ?? true;
// `schedulable`: the control-plane hosts run pods too (each is listed as a worker as well).
const schedulable = config.getBoolean("schedulable") ?? false;

const cluster = withKubernetes ? new kubernetes.Cluster(prefix, {
  release,
  inContainer: true,
  hostNetworks: [subnet],
  // The lab's network has no DNS server: CoreDNS answers cluster names only.
  dnsUpstream: [],
  controlPlane: cps,
  workers: schedulable ? [...cps, ...workers] : workers,
  ...(controlPlanes > 1 ? { endpoint: { vip: config.get("vip") ?? subnet.replace(/\.\d+\/\d+$/, ".250") } } : {}),
  allowEvenMembers: config.getBoolean("allowEvenMembers") ?? false,
  ...(config.get("certValidity") ? { certValidity: config.require("certValidity") } : {}),
  ...(config.get("podSubnet") ? { podSubnet: config.require("podSubnet") } : {}),
  ...(config.get("serviceSubnet") ? { serviceSubnet: config.require("serviceSubnet") } : {}),
  ...(config.get("apiServerFlags") ? { apiServer: { flags: JSON.parse(config.require("apiServerFlags")) as Record<string, string> } } : {}),
}) : undefined;

// A workload in the same program: applied once the cluster is "done" (server-side apply, then
// awaited until its pods are available). The image is the release's agnhost, already on the nodes.
const withWorkload = (config.getBoolean("workload") ?? true) && (workerCount > 0 || schedulable);
const hello = cluster && withWorkload ? new kubernetes.App("hello", {
  cluster,
  namespace: new kubernetes.Namespace("demo", { cluster }).name,
  image: release.images.apply((i) => (i as Record<string, { name: string }>).agnhost!.name),
  args: ["netexec", "--http-port=8080"],
  port: 8080,
  replicas: 2,
  config: { "motd.txt": "hello from drydock" },
}) : undefined;

export const kubeconfig = cluster?.kubeconfig;
export const app = hello?.host;
export const endpoint = cluster?.endpoint;
export const nodes = cluster?.nodes;
// Where the endpoint is not routable from here: run this, then kubectl with --server https://127.0.0.1:6443.
export const tunnel = cluster?.tunnel;
export const instances = [...cps, ...workers].map((h) => h.host.address);
export const next = cluster && "npm run kubectl -- get nodes   (or: drydock stack output kubeconfig --show-secrets > admin.kubeconfig; kubectl --kubeconfig admin.kubeconfig get nodes)";
