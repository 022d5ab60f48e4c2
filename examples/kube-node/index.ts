/**
 * Kubernetes nodes that run pods, before any control plane: LXD instances with the Kubernetes
 * node profile, each with containerd, runc, a CNI bridge on its own pod subnet and kubelet in
 * standalone mode, all from one pinned release (from the lab's mirror here). Each node runs a
 * static agnhost pod that answers HTTP on its pod IP. See docs/steps/06-node.md.
 * Set `nodes` for more than one node (in parallel), and `kubernetes: false` to remove the node
 * parts while keeping the instances.
 */
import { Config, all, kubernetes, lxd, ssh } from "drydock";

const config = new Config();
const prefix = config.get("prefix") ?? "kn";
const count = config.getNumber("nodes") ?? 1;

const server = new ssh.Host("lxd-server", {
  address: config.require("sshHost"),
  port: config.getNumber("sshPort") ?? 22,
  user: config.require("sshUser"),
  privateKeyPath: config.require("sshKeyPath"),
  hostKey: config.require("sshHostKey"),
});
const remote = new lxd.Remote("lab", { host: server });
const bridge = new lxd.Network("bridge", { remote, name: `${prefix}-br0`, ipv4: config.get("subnet") ?? "10.219.0.1/24" });
// The lab's kernel has the node's modules built in and no modprobe: LXD is told to load none.
const modules = config.get("kernelModules");
const profile = lxd.kubernetesNodeProfile("kubernetes-node", {
  remote, name: `${prefix}-kubernetes-node`, ...(modules !== undefined ? { kernelModules: modules.split(",").filter(Boolean) } : {}),
});

// Set `kubernetes` to false to take the nodes' parts off the instances again (the instances stay).
const withKubernetes = config.getBoolean("kubernetes") ?? true;
const release = withKubernetes ? new kubernetes.Release("release", {
  version: config.get("kubernetesVersion") ?? "v1.37.2",
  mirror: { url: config.require("mirrorUrl"), caPem: config.require("mirrorCa") },
}) : undefined;

const nodes = Array.from({ length: count }, (_, k) => {
  const name = `${prefix}-node-${k + 1}`;
  const instance = new lxd.Instance(name, {
    remote, name, image: config.get("image") ?? "drydock-debian-12",
    profiles: ["default", profile.name], networks: [bridge.name],
    rootDisk: { pool: config.get("pool") ?? "default" },
    limits: { cpu: 2, memory: "2GiB" },
    authorizedKeys: [config.require("authorizedKey")],
  });
  if (!release) return { instance };
  const node = new kubernetes.Node(name, {
    host: instance, release, inContainer: true,
    podCidr: `10.244.${k + 1}.0/24`,
    images: ["agnhost"],
    staticPods: {
      agnhost: {
        apiVersion: "v1", kind: "Pod",
        metadata: { name: "agnhost", namespace: "default" },
        spec: {
          containers: [{
            name: "agnhost", image: "registry.k8s.io/e2e-test-images/agnhost:2.66.1", imagePullPolicy: "Never",
            args: ["netexec", "--http-port=8080"], ports: [{ containerPort: 8080 }],
          }],
        },
      },
    },
  });
  return { instance, node };
});

export const kubernetesVersion = release?.version;
export const nodeAddresses = all(nodes.map((n) => n.instance.address));
