/**
 * kubernetes.KubeProxy: kube-proxy as a systemd service on a node, in iptables mode, reaching the
 * API through the cluster's endpoint with its own client certificate (system:kube-proxy).
 * Files (binary, kubeconfig, config) → service → "running" gate; it restarts only when a file
 * it reads changed.
 */
import { stringify } from "yaml";
import { ComponentResource, type Resource, type ResourceOptions } from "../resource.js";
import { all, output, secret, type Input } from "../output.js";
import type { Artifact } from "../artifact.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";
import { HealthGate } from "../host/gate.js";
import type { Release } from "./release.js";
import type { KubeProxyConfiguration } from "./fields/v1.37/index.js";

export const KUBE_PROXY_TYPE = "drydock:kubernetes:KubeProxy";
const KUBECONFIG = "/etc/kubernetes/kube-proxy.kubeconfig";
const CONFIG = "/etc/kubernetes/kube-proxy-config.yaml";
// Its metrics and health ports answer on the node itself; the healthz one says whether its rules are in sync.
const HEALTHY = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/10256 && printf \"GET /healthz HTTP/1.0\\r\\n\\r\\n\" >&3 && head -n1 <&3 | grep -q \" 200 \"'";

export interface KubeProxyArgs {
  readonly host: ConnectionLike;
  readonly nodeName: string;
  readonly release: Release;
  /** kube-proxy's kubeconfig (secret). */
  readonly kubeconfig: Input<string>;
  /** The cluster's pod subnet: traffic from outside it to a service is masqueraded. */
  readonly clusterCidr: Input<string>;
  /** Inside a system container: conntrack's host-global limits are left alone. @default false */
  readonly inContainer?: boolean;
  /** KubeProxyConfiguration fields over drydock's. */
  readonly config?: Input<KubeProxyConfiguration>;
  /** What must be in place first (the node's checks). */
  readonly after?: readonly Resource[];
  /** @default 120 */
  readonly healthTimeout?: number;
}

export function kubeProxyDefaults(o: { nodeName: string; clusterCidr: string; inContainer: boolean }): Record<string, unknown> {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1", kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: KUBECONFIG },
    mode: "iptables",
    clusterCIDR: o.clusterCidr,
    hostnameOverride: o.nodeName,
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // nf_conntrack_max and its timeouts are the host's, not a container's: 0 leaves them as they are.
    ...(o.inContainer ? { conntrack: { maxPerCore: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" } } : {}),
  };
}

export class KubeProxy extends ComponentResource {
  readonly service: Service;
  readonly healthy: HealthGate;
  constructor(name: string, args: KubeProxyArgs, opts?: ResourceOptions) {
    super(KUBE_PROXY_TYPE, name, {}, opts);
    const parent = this;
    const rolling = opts?.updatesAfter === undefined ? {} : { updatesAfter: opts.updatesAfter };
    const connection = output(toConnection(args.host));
    const config = all([output(args.clusterCidr), output(args.config ?? {})] as const).apply(([clusterCidr, user]) => stringify({
      ...kubeProxyDefaults({ nodeName: args.nodeName, clusterCidr, inContainer: args.inContainer ?? false }), ...(user as Record<string, unknown>),
    }, { sortMapEntries: true }));
    const files = new Files(`${name}-files`, {
      connection,
      files: [
        { path: "/usr/local/bin/kube-proxy", artifact: args.release.artifacts.apply((a) => (a as Record<string, Artifact>)["kube-proxy"]!) },
        { path: KUBECONFIG, content: secret(output(args.kubeconfig)), mode: "0600" },
        { path: CONFIG, content: config },
      ],
    }, { parent, dependsOn: [...(args.after ?? [])], ...rolling });
    this.service = new Service(`${name}-service`, {
      connection, name: "kube-proxy", waitStarted: false,
      unit: { name: "kubernetes/kube-proxy.service", values: { args: `--config=${CONFIG}` } },
      restartOn: [files.digest],
    }, { parent, dependsOn: [files], ...rolling });
    this.healthy = new HealthGate(`${name}-healthy`, {
      description: `kube-proxy on ${args.nodeName} healthy (its rules in sync with the API)`,
      check: { kind: "command", connection, command: HEALTHY },
      timeout: args.healthTimeout ?? 120, interval: 0.5, journal: { connection, unit: "kube-proxy" },
      triggers: [this.service.invocationId],
    }, { parent, dependsOn: [this.service] });
    this.registerOutputs({});
  }
}
