/**
 * kubernetes.Node: the parts every Kubernetes node needs, on any machine drydock reaches,
 * built from host building blocks (see docs/steps/06-node.md). In this order:
 *   binaries and configs (host.Files) → NodeState (checks, owns the runtime's state) →
 *   containerd (host.Service) → image archives imported (Images) → kubelet (host.Service) →
 *   "kubelet healthy" gate → static pods (host.Files) → "static pod running" gates.
 * containerd's sandbox image is the release's preloaded pause, its cgroup driver is kubelet's,
 * and pods get a bridge network on the node's own pod subnet. With `cluster` settings kubelet
 * registers with the API server under its own certificate (system:node:<name>) and serves its
 * API with a certificate the API server verifies; without them it runs standalone (static pods only).
 */
import { stringify } from "yaml";
import { ComponentResource, type ResourceOptions } from "../resource.js";
import { all, output, secret, Output, type Input } from "../output.js";
import type { Artifact } from "../artifact.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";
import { HealthGate } from "../host/gate.js";
import { Images, NodeState } from "./parts.js";
import type { ImageArchive, Release } from "./release.js";
import type { KubeletConfiguration } from "./fields/v1.37/index.js";
import type { Taint } from "./cluster-spec.js";

export const NODE_TYPE = "drydock:kubernetes:Node";

/** Binaries a node runs, by release role → path on the host. */
const BINARIES: Readonly<Record<string, string>> = {
  containerd: "/usr/local/bin/containerd", "containerd-shim-runc-v2": "/usr/local/bin/containerd-shim-runc-v2", ctr: "/usr/local/bin/ctr",
  runc: "/usr/local/sbin/runc", crictl: "/usr/local/bin/crictl", kubelet: "/usr/local/bin/kubelet",
  "cni-bridge": "/opt/cni/bin/bridge", "cni-host-local": "/opt/cni/bin/host-local", "cni-loopback": "/opt/cni/bin/loopback", "cni-portmap": "/opt/cni/bin/portmap",
};
const CONTAINERD_READS = ["/usr/local/bin/containerd", "/etc/containerd/config.toml"];
/**
 * A joined node's credentials. The CA its API trusts for clients has a name of its own: a
 * control-plane host that is also a node keeps the cluster CA at /etc/kubernetes/pki/ca.crt in
 * another file set (two sets never write one path).
 */
export const NODE_PKI = { ca: "/etc/kubernetes/pki/kubelet-client-ca.crt", cert: "/var/lib/kubelet/pki/kubelet.crt", key: "/var/lib/kubelet/pki/kubelet.key", kubeconfig: "/etc/kubernetes/kubelet.kubeconfig" } as const;
const KUBELET_READS = ["/usr/local/bin/kubelet", "/etc/kubernetes/kubelet-config.yaml", NODE_PKI.kubeconfig, NODE_PKI.ca, NODE_PKI.cert, NODE_PKI.key];
export const STATIC_POD_DIR = "/etc/kubernetes/manifests";
const KUBELET_HEALTHY = [
  "bash -c 'exec 3<>/dev/tcp/127.0.0.1/10248 && printf \"GET /healthz HTTP/1.0\\r\\n\\r\\n\" >&3 && tail -n1 <&3 | grep -qx ok'",
  't=$(systemctl show -p ActiveEnterTimestamp --value kubelet) && [ -n "$t" ] && [ $(( $(date +%s) - $(date -d "$t" +%s) )) -ge 2 ]',
].join(" && ");

/** How a node joins a cluster (kubernetes.Cluster fills these in). */
export interface NodeClusterArgs {
  /** kubelet's kubeconfig: the API endpoint and its client certificate (CN system:node:<name>, O system:nodes); secret. */
  readonly kubeconfig: Input<string>;
  /** The cluster CA: kubelet authenticates clients of its own API with it (its kubeconfig carries it for the API server). */
  readonly caCertPem: Input<string>;
  /** kubelet's serving certificate (the node's name and addresses), which the API server verifies. */
  readonly servingCertPem: Input<string>;
  readonly servingKeyPem: Input<string>;
  /** The node's address (its InternalIP). */
  readonly address: Input<string>;
  readonly clusterDns: Input<string>;
  readonly clusterDomain: Input<string>;
  /** Labels it registers with (NodeRestriction allows kubelet no kubernetes.io or k8s.io labels but a few). @default {} */
  readonly labels?: Input<Record<string, string>>;
  /** Taints it registers with. @default [] */
  readonly taints?: Input<readonly Taint[]>;
}

export interface NodeArgs {
  /** An lxd.Instance, an ssh.Host or a connection. */
  readonly host: ConnectionLike;
  /** The node's name. @default the resource name */
  readonly nodeName?: string;
  readonly release: Release;
  /** This node's pod subnet: its pods' addresses, on a bridge. */
  readonly podCidr: Input<string>;
  /**
   * KubeletConfiguration fields over drydock's defaults (checked against the release's config
   * API in the plan: an unknown field is refused naming the closest one).
   */
  readonly kubelet?: Input<KubeletConfiguration>;
  /**
   * Settings for a node inside a system container (LXD): kubelet does not manage the host's
   * disk (no image GC or eviction by disk use, no local-storage accounting), and containerd
   * gives no pod a lower oom_score_adj than its own (a container may lack CAP_SYS_RESOURCE).
   * @default false
   */
  readonly inContainer?: boolean;
  /** Images from the release to preload. @default ["pause"] (and every other image, when listed) */
  readonly images?: readonly string[];
  /** Static pods (kubelet runs them without an API server): file name → Pod object. */
  readonly staticPods?: Input<Record<string, Input<Record<string, unknown>>>>;
  /** Extra kubelet flags (`--name=value`), e.g. `--v=2`. @default ["--v=2"] */
  readonly kubeletArgs?: readonly string[];
  /** Seconds to wait for kubelet, and for each static pod. @default 120 */
  readonly healthTimeout?: number;
  /** Join a cluster. @default standalone */
  readonly cluster?: NodeClusterArgs;
}

/** kubelet settings drydock sets, before the program's own. */
export function kubeletDefaults(o: { podCidr: string; inContainer: boolean; cluster?: { clusterDns: string; clusterDomain: string; taints: readonly Taint[] } }): Record<string, unknown> {
  const standalone = {
    // Standalone: no API server to authenticate against, so no one may call kubelet's API.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
    authorization: { mode: "AlwaysAllow" },
  };
  const joined = o.cluster && {
    // Clients of kubelet's API: certificates of the cluster CA, or tokens the API server reviews; the API server authorizes.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: NODE_PKI.ca } },
    authorization: { mode: "Webhook" },
    clusterDNS: [o.cluster.clusterDns],
    clusterDomain: o.cluster.clusterDomain,
    tlsCertFile: NODE_PKI.cert,
    tlsPrivateKeyFile: NODE_PKI.key,
    ...(o.cluster.taints.length ? { registerWithTaints: o.cluster.taints.map((t) => ({ ...t })) } : {}),
  };
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    cgroupDriver: "systemd",
    containerRuntimeEndpoint: "unix:///run/containerd/containerd.sock",
    staticPodPath: STATIC_POD_DIR,
    podCIDR: o.podCidr,
    ...(joined ?? standalone),
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: 10248,
    // Kubernetes 1.35+ refuses cgroup v1 hosts unless told (KEP-5573); this keeps them working until 1.38.
    failCgroupV1: false,
    resolvConf: "/etc/resolv.conf",
    ...(o.inContainer ? {
      failSwapOn: false,
      imageGCHighThresholdPercent: 100,
      evictionHard: { "nodefs.available": "0%", "nodefs.inodesFree": "0%", "imagefs.available": "0%" },
      localStorageCapacityIsolation: false,
    } : {}),
  };
}

// Objects merge field by field; anything else is replaced.
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" && !Array.isArray(cur)
      ? merge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export class Node extends ComponentResource {
  readonly nodeName: string;
  /** Passes once kubelet answers healthy (and again after each restart). */
  readonly kubeletHealthy: HealthGate;
  readonly containerd: Service;
  readonly kubeletService: Service;
  readonly images: Images;
  /** The node's checks and runtime state (kube-proxy and pod routes go after it). */
  readonly state: NodeState;

  constructor(name: string, args: NodeArgs, opts?: ResourceOptions) {
    super(NODE_TYPE, name, {}, opts);
    const parent = this;
    // The component's updatesAfter holds for what it changes on the host (files and services): a
    // cluster rolls its nodes one at a time, each after the one before is Ready again.
    const updatesAfter = opts?.updatesAfter;
    const rolling = updatesAfter === undefined ? {} : { updatesAfter };
    const n = args.nodeName ?? name;
    this.nodeName = n;
    const connection = output(toConnection(args.host));
    const timeout = args.healthTimeout ?? 120;
    const rel = args.release;
    const wanted = [...new Set(["pause", ...(args.images ?? [])])];

    const c = args.cluster;
    const joined = c === undefined ? output(undefined)
      : all([output(c.clusterDns), output(c.clusterDomain), output(c.taints ?? [])] as const).apply(([clusterDns, clusterDomain, taints]) => ({ clusterDns, clusterDomain, taints }));
    const kubeletConfig = all([output(args.podCidr), output(args.kubelet ?? {}), joined] as const)
      .apply(([podCidr, user, cl]) => merge(kubeletDefaults({ podCidr, inContainer: args.inContainer ?? false, ...(cl ? { cluster: cl } : {}) }), user as Record<string, unknown>));
    const systemdCgroup = kubeletConfig.apply((c) => String(c.cgroupDriver === "systemd"));
    const pause = rel.images.apply((imgs) => {
      const p = (imgs as Record<string, ImageArchive>).pause;
      if (!p) throw new Error(`node ${n}: the release has no pause image archive (give the release a mirror with images)`);
      return p.name;
    });
    const artifact = (role: string): Output<Artifact> => rel.artifacts.apply((a) => (a as Record<string, Artifact>)[role]!);

    const binaries = new Files(`${name}-binaries`, {
      connection,
      files: Object.entries(BINARIES).map(([role, path]) => ({ path, artifact: artifact(role) })),
    }, { parent, ...rolling });
    const configs = new Files(`${name}-config`, {
      connection,
      files: [
        { path: "/etc/containerd/config.toml", template: { name: "kubernetes/containerd.toml", values: { sandboxImage: pause, systemdCgroup, restrictOomScoreAdj: String(args.inContainer ?? false) } } },
        { path: "/etc/cni/net.d/10-drydock-pods.conflist", template: { name: "kubernetes/bridge.conflist", values: { podCidr: args.podCidr, bridge: "cni0" } } },
        { path: "/etc/crictl.yaml", template: { name: "kubernetes/crictl.yaml" } },
        { path: "/etc/sysctl.d/90-kubernetes-node.conf", template: { name: "kubernetes/sysctl.conf" } },
        { path: "/etc/kubernetes/kubelet-config.yaml", content: kubeletConfig.apply((k) => stringify(k, { sortMapEntries: true })) },
        ...(c ? [
          { path: NODE_PKI.kubeconfig, content: secret(output(c.kubeconfig)), mode: "0600" },
          { path: NODE_PKI.ca, content: c.caCertPem },
          { path: NODE_PKI.cert, content: c.servingCertPem },
          { path: NODE_PKI.key, content: secret(output(c.servingKeyPem)), mode: "0600" },
        ] : []),
      ],
    }, { parent, ...rolling });
    const state = this.state = new NodeState(`${name}-state`, {
      connection, node: n, version: rel.version, kubeletConfig, bridge: "cni0",
    }, { parent, dependsOn: [binaries, configs] });
    const reads = (paths: readonly string[]) => all([binaries.written, configs.written]).apply(([b, c]) => paths.map((p) => (b as Record<string, string>)[p] ?? (c as Record<string, string>)[p] ?? ""));

    this.containerd = new Service(`${name}-containerd`, {
      connection, name: "containerd", unit: { name: "kubernetes/containerd.service" }, restartOn: [reads(CONTAINERD_READS)],
    }, { parent, dependsOn: [state], ...rolling });
    this.images = new Images(`${name}-images`, {
      connection,
      images: rel.images.apply((imgs) => wanted.map((k) => {
        const img = (imgs as Record<string, ImageArchive>)[k];
        if (!img) throw new Error(`node ${n}: the release has no image "${k}" (it has ${Object.keys(imgs).join(", ") || "none: give it a mirror"})`);
        return { name: img.name, archive: img.archive, digest: img.digest };
      })),
    }, { parent, dependsOn: [this.containerd] });
    // Static pods are on disk before kubelet starts, so it runs them at once (it polls a missing directory only every 20 s).
    const staticPods = args.staticPods === undefined ? undefined : (() => {
      const pods = output(args.staticPods).apply((p) => Object.entries(p as Record<string, Record<string, unknown>>).sort(([a], [b]) => a.localeCompare(b)));
      const staticFiles = new Files(`${name}-static-pods`, {
        connection,
        files: pods.apply((ps) => ps.map(([file, pod]) => {
          if (!/^[a-z0-9][a-z0-9._-]*$/.test(file)) throw new Error(`node ${n}: staticPods: ${JSON.stringify(file)} must be a file name (lowercase letters, digits, . _ -)`);
          return { path: `${STATIC_POD_DIR}/${file}.yaml`, content: stringify(pod, { sortMapEntries: true }), mode: "0600" };
        })),
      }, { parent, dependsOn: [this.images] });
      return { pods, staticFiles };
    })();
    const kubeletArgs = (args.kubeletArgs ?? ["--v=2"]).map((a) => {
      if (!/^--[a-z0-9-]+(=[\w@%+=:,./-]*)?$/.test(a)) throw new Error(`node ${n}: kubeletArgs: ${JSON.stringify(a)} must be --flag or --flag=value (letters, digits and @%+=:,./- only)`);
      return a;
    });
    const joinArgs = c === undefined ? output([] as string[])
      : all([output(c.address), output(c.labels ?? {})] as const).apply(([address, labels]) => [
        `--kubeconfig=${NODE_PKI.kubeconfig}`, `--hostname-override=${n}`, `--node-ip=${address}`,
        ...(Object.keys(labels).length ? [`--node-labels=${Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(",")}`] : []),
      ]);
    this.kubeletService = new Service(`${name}-kubelet`, {
      connection, name: "kubelet", unit: { name: "kubernetes/kubelet.service", values: { args: joinArgs.apply((j) => [...j, ...kubeletArgs].join(" ")) } },
      restartOn: [reads(KUBELET_READS)],
    }, { parent, dependsOn: [this.images, ...(staticPods ? [staticPods.staticFiles] : [])], ...rolling });
    this.kubeletHealthy = new HealthGate(`${name}-kubelet-healthy`, {
      description: `kubelet on ${n} healthy`,
      // healthz answers "ok", and kubelet has stayed up for 2 s (it serves healthz before its container manager can still fail).
      check: { kind: "command", connection, command: KUBELET_HEALTHY },
      timeout, interval: 0.25, journal: { connection, unit: "kubelet" },
      triggers: [this.kubeletService.invocationId, this.containerd.invocationId],
    }, { parent, dependsOn: [this.kubeletService] });

    if (staticPods) {
      const { pods, staticFiles } = staticPods;
      new HealthGate(`${name}-static-pods-running`, {
        description: pods.apply((ps) => `static pods on ${n} running: ${ps.map(([, p]) => podName(p)).join(", ")}`),
        check: {
          kind: "command", connection,
          // kubelet names a static pod "<name>-<node name>": it is Ready and a container of it is running.
          command: pods.apply((ps) => ps.map(([, p]) => `id=$(crictl pods --state ready --name '^${podName(p)}-${n}$' -q | head -n1) && [ -n "$id" ] && crictl ps --pod "$id" --state running -q | grep -q .`).join(" && ")),
        },
        timeout, interval: 0.5, journal: { connection, unit: "kubelet" },
        triggers: [staticFiles.digest, this.kubeletService.invocationId],
      }, { parent, dependsOn: [this.kubeletHealthy] });
    }
    this.registerOutputs({ nodeName: n });
  }
}

function podName(pod: Record<string, unknown>): string {
  const name = (pod.metadata as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string" || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) throw new Error(`static pod: metadata.name must be a DNS label (got ${JSON.stringify(name)})`);
  return name;
}
