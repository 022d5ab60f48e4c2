/**
 * kubernetes.Cluster: a Kubernetes cluster from one upstream release on machines drydock reaches
 * over SSH, built from the smaller pieces (see docs/steps/07-control-plane.md, 08-workers.md):
 *   ClusterSpec (the declaration checked as a whole) → ClusterPki → etcd.Cluster (stacked on the
 *   control-plane hosts, or an existing one) → ControlPlane (+ keepalived for a virtual address)
 *   → add-ons' RBAC → per worker: Node (joined) → KubeProxy → PodRoutes → "Ready" gate
 *   → CoreDNS → "CoreDNS available" and "a name resolves from a pod" gates.
 * Defaults follow kubeadm's ClusterConfiguration: pods 10.244.0.0/16 (a /24 per node), services
 * 10.96.0.0/12, domain cluster.local, DNS at the service subnet's tenth address.
 */
import { ComponentResource, type Resource, type ResourceOptions } from "../resource.js";
import { all, output, secret, Output, type Input } from "../output.js";
import type { Artifact } from "../artifact.js";
import type { Connection } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { HealthGate } from "../host/gate.js";
import { Kubeconfig } from "../pki/kubeconfig.js";
import { Cluster as EtcdCluster } from "../etcd/cluster.js";
import type { Release, ImageArchive } from "./release.js";
import { ClusterSpec, type Endpoint, type Taint } from "./cluster-spec.js";
import { ClusterPki } from "./cluster-pki.js";
import { EncryptionKey } from "./encryption-key.js";
import { ControlPlane, ADMIN_KUBECTL } from "./control-plane.js";
import type { VipSettings } from "./api-endpoint.js";
import { Node } from "./node.js";
import { KubeProxy } from "./kube-proxy.js";
import { PodRoutes } from "./pod-routes.js";
import { Manifests } from "./manifests.js";
import { NodeRegistration } from "./node-registration.js";
import { nthAddress, parseCidr } from "./cidr.js";
import { tunnelCommand } from "./tunnel.js";
import type { KubeletConfiguration, KubeProxyConfiguration, KubeSchedulerConfiguration } from "./fields/v1.37/index.js";

export const CLUSTER_TYPE = "drydock:kubernetes:Cluster";

type HostLike = ConnectionLike | { readonly connection: Output<Connection>; readonly address?: Output<string> };

export interface ClusterHost {
  /** The node's name (a DNS subdomain): also the etcd member's and the plan's name for the host. */
  readonly name: string;
  /** An lxd.Instance, an ssh.Host or a connection. */
  readonly host: HostLike;
  /** The address the cluster reaches it at. @default the instance's address, or the connection's host */
  readonly address?: Input<string>;
}

export interface WorkerHost extends ClusterHost {
  /** @default {} */
  readonly labels?: Record<string, string>;
  /** @default [] */
  readonly taints?: readonly Taint[];
  /** Its pod subnet. @default the lowest free /nodeMaskSize of podSubnet, kept for as long as the node is declared */
  readonly podCidr?: string;
}

export type EndpointArgs =
  /** A virtual address on the control-plane hosts' network, kept by keepalived (a free address you choose). */
  | ({ readonly vip: Input<string>; readonly port?: number } & VipSettings)
  /** A load balancer of your own in front of every control-plane host's port 6443. */
  | { readonly address: Input<string>; readonly port?: number };

export interface ClusterArgs {
  readonly release: Release;
  /** @default the resource name */
  readonly clusterName?: string;
  readonly controlPlane: readonly ClusterHost[];
  /** Hosts that run pods; a control-plane host may be one too (listed in both). @default [] */
  readonly workers?: readonly WorkerHost[];
  /** @default "10.244.0.0/16" */
  readonly podSubnet?: string;
  /** @default "10.96.0.0/12" */
  readonly serviceSubnet?: string;
  /**
   * The networks the hosts are on ("10.217.0.0/24", or a gateway's "10.217.0.1/24"): checked apart
   * from the pod and service subnets in the first plan, before instances have addresses (their
   * addresses are checked too, once known). @default []
   */
  readonly hostNetworks?: Input<readonly string[]>;
  /** Each node's pod subnet size. @default 24 */
  readonly nodeMaskSize?: number;
  /** @default "cluster.local" */
  readonly clusterDomain?: string;
  /** The API endpoint. @default the control-plane host's address (one control-plane host only) */
  readonly endpoint?: EndpointArgs;
  /** An existing etcd.Cluster for the API servers. @default etcd stacked on the control-plane hosts */
  readonly etcd?: EtcdCluster;
  /** More than one but an even number of stacked etcd members. @default false */
  readonly allowEvenMembers?: boolean;
  /** Encrypt Secrets in etcd (aescbc, with a key drydock makes and keeps as a secret). @default true */
  readonly encryptSecrets?: boolean;
  /** The API server's audit policy (audit.k8s.io/v1 Policy). @default every request's metadata, health probes excepted */
  readonly auditPolicy?: Input<Record<string, unknown>>;
  readonly apiServer?: { readonly flags?: Record<string, string> };
  readonly controllerManager?: { readonly flags?: Record<string, string> };
  readonly scheduler?: { readonly flags?: Record<string, string>; readonly config?: KubeSchedulerConfiguration };
  readonly kubelet?: KubeletConfiguration;
  readonly kubeProxy?: KubeProxyConfiguration;
  /** The hosts are system containers (LXD): see kubernetes.Node's `inContainer`. @default false */
  readonly inContainer?: boolean;
  /** @default 2 */
  readonly coreDnsReplicas?: number;
  /**
   * Where CoreDNS sends names outside the cluster: "resolv.conf" (the node's), addresses, or none
   * (`[]`: only cluster names resolve, for networks without DNS). @default "resolv.conf"
   */
  readonly dnsUpstream?: "resolv.conf" | readonly string[];
  /** Leaf certificates' validity. @default "365d" */
  readonly certValidity?: string;
  /** @default "30d" */
  readonly certRenewBefore?: string;
  /** Seconds to wait for each component. @default 180 */
  readonly healthTimeout?: number;
}

/** What the cluster's nodes are, as an output. */
export interface ClusterNode {
  readonly name: string;
  readonly address: string;
  readonly roles: string[];
}

function addressOf(h: ClusterHost, connection: Output<Connection>): Output<string> {
  if (h.address !== undefined) return output(h.address);
  const x = h.host as { address?: unknown };
  if (x && typeof x === "object" && !Output.isInstance(x) && Output.isInstance(x.address)) return x.address as Output<string>;
  return connection.apply((c) => c.host);
}

/** The Corefile's forward plugin (indented for the ConfigMap), or nothing. */
function forwardBlock(up: "resolv.conf" | readonly string[]): string {
  if (up !== "resolv.conf" && up.some((a) => !/^[0-9a-fA-F.:]+$/.test(a))) throw new Error(`dnsUpstream: ${JSON.stringify(up)} must be "resolv.conf" or IP addresses`);
  const to = up === "resolv.conf" ? "/etc/resolv.conf" : up.join(" ");
  return to ? `        forward . ${to} {\n            max_concurrent 1000\n        }` : "        # no upstream: only the cluster's names resolve";
}

/**
 * A pod that looks a name up once (BusyBox nslookup in the agnhost image), then is deleted: exit 0
 * when the name resolved; else its output (or phase) on stderr.
 */
function dnsCheck(image: string, fqdn: string): string {
  const k = `${ADMIN_KUBECTL} -n default`;
  return [
    "n=drydock-dns-check-$$",
    `${k} run "$n" --image=${image} --image-pull-policy=Never --restart=Never --labels=app.kubernetes.io/managed-by=drydock --command -- nslookup ${fqdn} >/dev/null || exit 1`,
    "ok=1; phase=",
    `for i in $(seq 120); do phase=$(${k} get pod "$n" -o jsonpath='{.status.phase}'); case "$phase" in Succeeded) ok=0; break;; Failed) break;; esac; sleep 0.25; done`,
    `[ "$ok" = 0 ] || { echo "lookup pod $phase:" >&2; ${k} logs "$n" 2>&1 | tail -n 3 >&2; }`,
    `${k} delete pod "$n" --wait=false >/dev/null 2>&1`,
    "exit $ok",
  ].join("; ");
}

const WORKER_IMAGES = ["pause", "coredns", "agnhost"];

export class Cluster extends ComponentResource {
  /** The admin's kubeconfig (secret): `drydock stack output kubeconfig --show-secrets > admin.kubeconfig`. */
  readonly kubeconfig: Output<string>;
  /** https://<endpoint>:<port> */
  readonly endpoint: Output<string>;
  readonly caCertPem: Output<string>;
  readonly nodes: Output<ClusterNode[]>;
  /**
   * For an endpoint not routable from where you are: an `ssh -L` command through drydock's own SSH
   * path to the first control-plane host; with it running, use the kubeconfig with
   * `--server https://127.0.0.1:6443` (every serving certificate names 127.0.0.1).
   */
  readonly tunnel: Output<string>;
  readonly pki: ClusterPki;
  readonly controlPlane: ControlPlane;
  /** Passes when every check of "done" passed: the API, every node Ready, CoreDNS, a name resolving in a pod. */
  readonly ready: HealthGate;

  constructor(name: string, args: ClusterArgs, opts?: ResourceOptions) {
    super(CLUSTER_TYPE, name, {}, opts);
    const parent = this;
    const clusterName = args.clusterName ?? name;
    const rel = args.release;
    const timeout = args.healthTimeout ?? 180;
    const podSubnet = args.podSubnet ?? "10.244.0.0/16";
    const serviceSubnet = args.serviceSubnet ?? "10.96.0.0/12";
    const clusterDomain = args.clusterDomain ?? "cluster.local";
    const inContainer = args.inContainer ?? false;
    const hostOf = (h: ClusterHost) => {
      const connection = output(toConnection(h.host as ConnectionLike));
      return { name: h.name, connection, address: addressOf(h, connection) };
    };
    const cps = args.controlPlane.map(hostOf);
    const workerArgs = args.workers ?? [];
    const workers = workerArgs.map((w) => ({ ...hostOf(w), w }));
    const e = args.endpoint;
    const endpoint: Output<Endpoint> = e === undefined
      ? cps[0]!.address.apply((a) => ({ kind: "host" as const, address: a, port: 6443 }))
      : "vip" in e ? output(e.vip).apply((a) => ({ kind: "vip" as const, address: a, port: e.port ?? 6443 }))
      : output(e.address).apply((a) => ({ kind: "external" as const, address: a, port: e.port ?? 6443 }));

    const spec = new ClusterSpec(`${name}-spec`, {
      clusterName, version: rel.version,
      controlPlane: cps.map((h) => ({ name: h.name, address: h.address })),
      workers: workers.map((h) => ({ name: h.name, address: h.address, labels: h.w.labels ?? {}, taints: (h.w.taints ?? []).map((t) => ({ ...t })), ...(h.w.podCidr ? { podCidr: h.w.podCidr } : {}) })),
      podSubnet, serviceSubnet, hostNetworks: args.hostNetworks ?? [], nodeMaskSize: args.nodeMaskSize ?? 24, clusterDomain, endpoint,
      etcd: args.etcd ? "external" : "stacked", allowEvenMembers: args.allowEvenMembers ?? false,
      flags: { "kube-apiserver": args.apiServer?.flags ?? {}, "kube-controller-manager": args.controllerManager?.flags ?? {}, "kube-scheduler": args.scheduler?.flags ?? {} },
      kubelet: (args.kubelet ?? {}) as Record<string, unknown>, kubeProxy: (args.kubeProxy ?? {}) as Record<string, unknown>,
      releaseImages: rel.imageTags.apply((i) => Object.keys(i)),
      requiredImages: workers.length ? WORKER_IMAGES : [],
    }, { parent });
    const after = [spec];

    const services = parseCidr(serviceSubnet);
    const clusterDns = typeof services === "string" ? "" : nthAddress(services, 10);

    this.pki = new ClusterPki(`${name}-pki`, { clusterName, endpoint, validity: args.certValidity ?? "365d", renewBefore: args.certRenewBefore ?? "30d" }, { parent, dependsOn: after });
    const pki = this.pki;
    const etcdCluster = args.etcd ?? new EtcdCluster(`${name}-etcd`, {
      clusterName: `${clusterName}-etcd`,
      members: cps.map((h) => ({ name: h.name, host: { connection: h.connection, address: h.address } })),
      allowEvenMembers: args.allowEvenMembers ?? false,
      etcd: rel.artifacts.apply((a) => (a as Record<string, Artifact>).etcd!),
      etcdctl: rel.artifacts.apply((a) => (a as Record<string, Artifact>).etcdctl!),
      certValidity: args.certValidity ?? "365d", certRenewBefore: args.certRenewBefore ?? "30d",
    }, { parent, dependsOn: after });
    const encryptionKey = args.encryptSecrets === false ? undefined : new EncryptionKey(`${name}-secrets-key`, {}, { parent, dependsOn: after });

    this.controlPlane = new ControlPlane(`${name}-control-plane`, {
      clusterName, release: rel, hosts: cps, pki, endpoint,
      etcd: { endpoints: etcdCluster.endpoints, caCertPem: etcdCluster.caCertPem, clientCertPem: etcdCluster.clientCertPem, clientKeyPem: etcdCluster.clientKeyPem, ready: etcdCluster.healthy },
      serviceSubnet, podSubnet, clusterDomain,
      flags: { apiServer: args.apiServer?.flags ?? {}, controllerManager: args.controllerManager?.flags ?? {}, scheduler: args.scheduler?.flags ?? {} },
      schedulerConfig: (args.scheduler?.config ?? {}) as Record<string, unknown>,
      ...(encryptionKey ? { encryptionKey: encryptionKey.key } : {}),
      ...(args.auditPolicy !== undefined ? { auditPolicy: args.auditPolicy } : {}),
      ...(e !== undefined && "vip" in e ? { vip: { ...(e.interface ? { interface: e.interface } : {}), ...(e.routerId ? { routerId: e.routerId } : {}) } } : {}),
      healthTimeout: timeout,
    }, { parent, dependsOn: after });
    const admin = cps[0]!.connection;
    const apiReady = this.controlPlane.endpointReady;

    const kubeletRbac = new Manifests(`${name}-apiserver-kubelet-rbac`, {
      connection: admin, template: { name: "kubernetes/addons/apiserver-kubelet.yaml" },
    }, { parent, dependsOn: [apiReady] });

    // Routes to these workers' pod subnets, through their addresses.
    const routesTo = (to: typeof workers) => all([spec.podCidrs, ...to.map((o) => o.address)] as const)
      .apply(([m, ...addrs]) => to.map((o, k) => ({ podCidr: (m as Record<string, string>)[o.name]!, via: addrs[k] as string })));

    const nodeReady: Resource[] = [];
    const proxies: HealthGate[] = [];
    const routes: PodRoutes[] = [];
    // A change that restarts node parts goes one node at a time, each after the one before is Ready again.
    let previousNode: Resource | undefined;
    for (const h of workers) {
      const rolling = previousNode ? { updatesAfter: [previousNode] } : {};
      const n = h.name;
      const podCidr = spec.podCidrs.apply((m) => {
        const c = m[n];
        if (!c) throw new Error(`node ${n}: no pod subnet assigned`);
        return c;
      });
      const client = pki.client(`${name}-${n}-kubelet-client`, `system:node:${n}`, ["system:nodes"]);
      const kubeconfig = new Kubeconfig(`${name}-${n}-kubelet-kubeconfig`, { server: pki.server, ca: pki.ca, certificate: client, clusterName: "kubernetes", userName: `system:node:${n}` }, { parent });
      const serving = pki.serving(`${name}-${n}-kubelet-serving`, `system:node:${n}`, [n], h.address.apply((a) => [a]), this);
      const node = new Node(`${name}-${n}`, {
        host: { connection: h.connection }, nodeName: n, release: rel, podCidr, inContainer, images: WORKER_IMAGES,
        ...(args.kubelet ? { kubelet: args.kubelet } : {}), healthTimeout: timeout,
        cluster: {
          kubeconfig: kubeconfig.content, caCertPem: pki.ca.certPem, servingCertPem: serving.certPem, servingKeyPem: serving.keyPem,
          address: h.address, clusterDns, clusterDomain, labels: h.w.labels ?? {}, taints: (h.w.taints ?? []).map((t) => ({ ...t })),
        },
      }, { parent, dependsOn: after, ...rolling });
      const proxy = new KubeProxy(`${name}-${n}-kube-proxy`, {
        host: { connection: h.connection }, nodeName: n, release: rel, kubeconfig: pki.kubeProxy.kubeconfig.content, clusterCidr: podSubnet, inContainer,
        ...(args.kubeProxy ? { config: args.kubeProxy } : {}), after: [node.state], healthTimeout: timeout,
      }, { parent, ...rolling });
      const podRoutes = new PodRoutes(`${name}-${n}-pod-routes`, {
        host: { connection: h.connection }, routes: routesTo(workers.filter((o) => o.name !== n)), after: [node.state],
      }, { parent });
      const ready = new NodeRegistration(`${name}-${n}-registration`, {
        connection: admin, node: n, nodeConnection: h.connection, timeout,
        triggers: [node.kubeletService.invocationId, node.containerd.invocationId],
      }, { parent, dependsOn: [node, apiReady, kubeletRbac] });
      nodeReady.push(ready);
      previousNode = ready;
      proxies.push(proxy.healthy);
      routes.push(podRoutes);
    }

    // Control-plane hosts that run no pods still reach them (the API server's proxy, webhooks, aggregated APIs).
    for (const h of cps.filter((c) => !workers.some((w) => w.name === c.name))) {
      routes.push(new PodRoutes(`${name}-${h.name}-pod-routes`, { host: { connection: h.connection }, routes: routesTo(workers), after: [spec] }, { parent }));
    }

    const coreDnsImage = rel.images.apply((i) => (i as Record<string, ImageArchive>).coredns?.name ?? "");
    const parts: Resource[] = [apiReady, ...nodeReady];
    if (workers.length) {
      const coreDns = new Manifests(`${name}-coredns`, {
        connection: admin,
        template: { name: "kubernetes/addons/coredns.yaml", values: { image: coreDnsImage, clusterDns, clusterDomain, replicas: args.coreDnsReplicas ?? 2, forward: forwardBlock(args.dnsUpstream ?? "resolv.conf") } },
      }, { parent, dependsOn: [apiReady] });
      const dnsAvailable = new HealthGate(`${name}-coredns-available`, {
        description: "CoreDNS available",
        check: { kind: "command", connection: admin, command: `${ADMIN_KUBECTL} -n kube-system rollout status deployment/coredns --timeout=2s` },
        timeout, interval: 1, triggers: [coreDns.digest],
      }, { parent, dependsOn: [coreDns, ...nodeReady] });
      const agnhost = rel.images.apply((i) => (i as Record<string, ImageArchive>).agnhost?.name ?? "");
      const resolves = new HealthGate(`${name}-dns-resolves`, {
        description: "a name resolves from a pod (kubernetes.default, through CoreDNS and kube-proxy)",
        check: {
          kind: "command", connection: admin,
          command: agnhost.apply((img) => dnsCheck(img, `kubernetes.default.svc.${clusterDomain}`)),
        },
        timeout, interval: 1, triggers: [coreDns.digest, ...routes.map((r) => r.service.invocationId)],
      }, { parent, dependsOn: [dnsAvailable, ...proxies, ...routes] });
      parts.push(dnsAvailable, resolves);
    }
    this.ready = new HealthGate(`${name}-ready`, {
      description: `cluster ${clusterName} ready`,
      check: { kind: "command", connection: admin, command: `${ADMIN_KUBECTL} get --raw=/readyz >/dev/null` },
      timeout, interval: 0.5,
    }, { parent, dependsOn: parts });

    this.kubeconfig = secret(pki.admin.content);
    this.endpoint = pki.server;
    this.caCertPem = pki.ca.certPem;
    const roles = (n: string): string[] => [
      ...(cps.some((c) => c.name === n) ? ["control-plane"] : []), ...(workers.some((w) => w.name === n) ? ["worker"] : []),
    ];
    const everyone = [...cps, ...workers.filter((w) => !cps.some((c) => c.name === w.name))];
    this.nodes = all(everyone.map((h) => h.address)).apply((as) => everyone.map((h, k) => ({ name: h.name, address: as[k]!, roles: roles(h.name) })));
    this.tunnel = all([admin, endpoint] as const).apply(([c, e]) => tunnelCommand(c, e));
    this.registerOutputs({ kubeconfig: this.kubeconfig, endpoint: this.endpoint, caCertPem: this.caCertPem, nodes: this.nodes, tunnel: this.tunnel });
  }
}
