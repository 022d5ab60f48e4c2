/**
 * kubernetes.ControlPlane: kube-apiserver, kube-controller-manager and kube-scheduler as systemd
 * services on each control-plane host, from one release, built from host building blocks. Per
 * host, in this order: serving certificate → files (binaries, certificates, kubeconfigs, configs)
 * → kube-apiserver → controller-manager and scheduler → "API server ready" gate (its /readyz) →
 * with a virtual address, keepalived. A host's changes (files, services) wait for the previous
 * host's gate, so a change of settings or a renewed certificate restarts one host at a time.
 * Then one gate checks /readyz through the cluster's endpoint. See docs/steps/07-control-plane.md.
 */
import { stringify } from "yaml";
import { ComponentResource, type Resource, type ResourceOptions } from "../resource.js";
import { all, interpolate, output, secret, Output, type Input } from "../output.js";
import type { Artifact } from "../artifact.js";
import type { Connection } from "../ssh/connection.js";
import { Files } from "../host/files.js";
import { Service } from "../host/service.js";
import { HealthGate } from "../host/gate.js";
import type { Release } from "./release.js";
import type { ClusterPki } from "./cluster-pki.js";
import type { Endpoint } from "./cluster-spec.js";
import { nthAddress, parseCidr } from "./cidr.js";
import { vipParts, type VipSettings } from "./api-endpoint.js";
import { ControlPlaneState } from "./control-plane-state.js";
import {
  CP_FILES, PKI, DEFAULT_AUDIT_POLICY, apiServerFlags, authenticationConfig, controllerManagerFlags, encryptionConfig,
  renderFlags, schedulerConfig, schedulerFlags,
} from "./control-plane-flags.js";

export const CONTROL_PLANE_TYPE = "drydock:kubernetes:ControlPlane";

export const KUBECTL = "/usr/local/bin/kubectl";
/** kubectl as the cluster's admin against this host's own API server. */
export const ADMIN_KUBECTL = `${KUBECTL} --kubeconfig=${CP_FILES.adminKubeconfig}`;

export interface ControlPlaneHost {
  readonly name: string;
  readonly connection: Output<Connection>;
  readonly address: Output<string>;
}

export interface EtcdAccess {
  readonly endpoints: Output<string[]>;
  readonly caCertPem: Output<string>;
  readonly clientCertPem: Output<string>;
  readonly clientKeyPem: Output<string>;
  /** What must be healthy before an API server starts. */
  readonly ready: Resource;
}

export interface ComponentFlags {
  readonly apiServer?: Input<Record<string, string>>;
  readonly controllerManager?: Input<Record<string, string>>;
  readonly scheduler?: Input<Record<string, string>>;
}

export interface ControlPlaneArgs {
  readonly clusterName: string;
  readonly release: Release;
  readonly hosts: readonly ControlPlaneHost[];
  readonly pki: ClusterPki;
  readonly endpoint: Output<Endpoint>;
  readonly etcd: EtcdAccess;
  readonly serviceSubnet: Input<string>;
  readonly podSubnet: Input<string>;
  readonly clusterDomain: Input<string>;
  /** Flags over drydock's, by name without dashes. */
  readonly flags?: ComponentFlags;
  /** KubeSchedulerConfiguration fields over drydock's. */
  readonly schedulerConfig?: Input<Record<string, unknown>>;
  /** The key Secrets are encrypted with at rest (base64); without it they are not. */
  readonly encryptionKey?: Output<string>;
  /** An audit.k8s.io/v1 Policy. @default metadata of every request but health probes */
  readonly auditPolicy?: Input<Record<string, unknown>>;
  /** keepalived settings, when the endpoint is a virtual address. */
  readonly vip?: VipSettings;
  /** Seconds to wait for each API server. @default 120 */
  readonly healthTimeout?: number;
}

const artifactOf = (rel: Release, role: string): Output<Artifact> => rel.artifacts.apply((a) => (a as Record<string, Artifact>)[role]!);

const APISERVER_READS = [
  "/usr/local/bin/kube-apiserver", `${PKI}/ca.crt`, `${PKI}/apiserver.crt`, `${PKI}/apiserver.key`, `${PKI}/apiserver-kubelet-client.crt`, `${PKI}/apiserver-kubelet-client.key`,
  `${PKI}/front-proxy-ca.crt`, `${PKI}/front-proxy-client.crt`, `${PKI}/front-proxy-client.key`, `${PKI}/sa.pub`, `${PKI}/sa.key`,
  `${PKI}/etcd/ca.crt`, `${PKI}/apiserver-etcd-client.crt`, `${PKI}/apiserver-etcd-client.key`,
  CP_FILES.authenticationConfig, CP_FILES.encryptionConfig, CP_FILES.auditPolicy,
];
const CONTROLLER_MANAGER_READS = ["/usr/local/bin/kube-controller-manager", `${PKI}/ca.crt`, `${PKI}/front-proxy-ca.crt`, `${PKI}/sa.key`, CP_FILES.controllerManagerKubeconfig];
const SCHEDULER_READS = ["/usr/local/bin/kube-scheduler", CP_FILES.schedulerKubeconfig, CP_FILES.schedulerConfig];

export class ControlPlane extends ComponentResource {
  /** Per host: passes when its API server answers /readyz. */
  readonly ready: HealthGate[];
  /** Passes when the API answers /readyz through the cluster's endpoint. */
  readonly endpointReady: HealthGate;
  readonly apiServers: Service[];

  constructor(name: string, args: ControlPlaneArgs, opts?: ResourceOptions) {
    super(CONTROL_PLANE_TYPE, name, {}, opts);
    const parent = this;
    const { pki, release: rel } = args;
    const timeout = args.healthTimeout ?? 120;
    const serviceSubnet = output(args.serviceSubnet);
    const clusterDomain = output(args.clusterDomain);
    const apiServiceIp = serviceSubnet.apply((s) => {
      const c = parseCidr(s);
      if (typeof c === "string") throw new Error(`serviceSubnet: ${c}`);
      return nthAddress(c, 1);
    });
    const etcdServers = args.etcd.endpoints.apply((e) => e.join(","));
    const user = args.flags ?? {};
    const cmFlags = all([output(user.controllerManager ?? {}), serviceSubnet, output(args.podSubnet)] as const)
      .apply(([u, svc, pod]) => renderFlags({ ...controllerManagerFlags({ clusterName: args.clusterName, serviceSubnet: svc, podSubnet: pod }), ...u }));
    const schedFlags = output(user.scheduler ?? {}).apply((u) => renderFlags({ ...schedulerFlags(), ...u }));
    const encrypt = args.encryptionKey !== undefined;
    const audit = output(args.auditPolicy ?? DEFAULT_AUDIT_POLICY).apply((p) => stringify(p));
    const key = (path: string, pem: Input<string>) => ({ path, content: secret(output(pem)), mode: "0600" });
    const peers = args.hosts.map((h) => ({ name: h.name, address: h.address }));

    this.ready = [];
    this.apiServers = [];
    let previous: Resource | undefined;
    args.hosts.forEach((h, k) => {
      const after = previous ? [previous] : [];
      const n = h.name;
      const serving = pki.serving(`${name}-${n}-apiserver`, "kube-apiserver",
        clusterDomain.apply((d) => ["kubernetes", "kubernetes.default", "kubernetes.default.svc", `kubernetes.default.svc.${d}`, n, "localhost"]),
        all([h.address, args.endpoint, apiServiceIp] as const).apply(([a, e, svc]) => [...new Set([a, e.address, svc, "127.0.0.1"])]), this);
      // First on the host (its checks), last off it (what the components wrote, the folders left empty).
      const state = new ControlPlaneState(`${name}-${n}-state`, { connection: h.connection, host: n }, { parent });
      const files = new Files(`${name}-${n}-files`, {
        connection: h.connection,
        files: [
          { path: "/usr/local/bin/kube-apiserver", artifact: artifactOf(rel, "kube-apiserver") },
          { path: "/usr/local/bin/kube-controller-manager", artifact: artifactOf(rel, "kube-controller-manager") },
          { path: "/usr/local/bin/kube-scheduler", artifact: artifactOf(rel, "kube-scheduler") },
          { path: KUBECTL, artifact: artifactOf(rel, "kubectl") },
          { path: `${PKI}/ca.crt`, content: pki.ca.certPem },
          { path: `${PKI}/apiserver.crt`, content: serving.certPem },
          key(`${PKI}/apiserver.key`, serving.keyPem),
          { path: `${PKI}/apiserver-kubelet-client.crt`, content: pki.apiServerKubeletClient.certPem },
          key(`${PKI}/apiserver-kubelet-client.key`, pki.apiServerKubeletClient.keyPem),
          { path: `${PKI}/front-proxy-ca.crt`, content: pki.frontProxyCa.certPem },
          { path: `${PKI}/front-proxy-client.crt`, content: pki.frontProxyClient.certPem },
          key(`${PKI}/front-proxy-client.key`, pki.frontProxyClient.keyPem),
          { path: `${PKI}/sa.pub`, content: pki.serviceAccount.publicKeyPem },
          key(`${PKI}/sa.key`, pki.serviceAccount.privateKeyPem),
          { path: `${PKI}/etcd/ca.crt`, content: args.etcd.caCertPem },
          { path: `${PKI}/apiserver-etcd-client.crt`, content: args.etcd.clientCertPem },
          key(`${PKI}/apiserver-etcd-client.key`, args.etcd.clientKeyPem),
          key(CP_FILES.controllerManagerKubeconfig, pki.controllerManager.kubeconfig.content),
          key(CP_FILES.schedulerKubeconfig, pki.scheduler.kubeconfig.content),
          key(CP_FILES.adminKubeconfig, pki.adminLocal.kubeconfig.content),
          { path: CP_FILES.authenticationConfig, content: authenticationConfig() },
          ...(encrypt ? [key(CP_FILES.encryptionConfig, args.encryptionKey!.apply(encryptionConfig))] : []),
          { path: CP_FILES.auditPolicy, content: audit },
          { path: CP_FILES.schedulerConfig, content: output(args.schedulerConfig ?? {}).apply((u) => schedulerConfig(u as Record<string, unknown>)) },
        ],
      }, { parent, dependsOn: [state], updatesAfter: after });
      const reads = (paths: readonly string[]) => files.written.apply((w) => paths.map((p) => w[p] ?? ""));
      const apiFlags = all([output(user.apiServer ?? {}), h.address, etcdServers, serviceSubnet, clusterDomain] as const)
        .apply(([u, address, etcd, svc, domain]) => renderFlags({ ...apiServerFlags({ address, etcdServers: etcd, serviceSubnet: svc, clusterDomain: domain, encryptSecrets: encrypt }), ...u }));
      const apiServer = new Service(`${name}-${n}-kube-apiserver`, {
        connection: h.connection, name: "kube-apiserver", waitStarted: false,
        unit: { name: "kubernetes/kube-apiserver.service", values: { args: apiFlags } },
        restartOn: [reads(APISERVER_READS)],
      }, { parent, dependsOn: [files, args.etcd.ready], updatesAfter: after });
      const controllerManager = new Service(`${name}-${n}-kube-controller-manager`, {
        connection: h.connection, name: "kube-controller-manager", waitStarted: false,
        unit: { name: "kubernetes/kube-controller-manager.service", values: { args: cmFlags } },
        restartOn: [reads(CONTROLLER_MANAGER_READS)],
      }, { parent, dependsOn: [apiServer], updatesAfter: after });
      const scheduler = new Service(`${name}-${n}-kube-scheduler`, {
        connection: h.connection, name: "kube-scheduler", waitStarted: false,
        unit: { name: "kubernetes/kube-scheduler.service", values: { args: schedFlags } },
        restartOn: [reads(SCHEDULER_READS)],
      }, { parent, dependsOn: [apiServer], updatesAfter: after });
      let gate = new HealthGate(`${name}-${n}-ready`, {
        description: `kube-apiserver on ${n} ready (/readyz), controller-manager and scheduler running`,
        check: {
          kind: "command", connection: h.connection,
          command: `${ADMIN_KUBECTL} get --raw=/readyz >/dev/null && systemctl is-active --quiet kube-controller-manager kube-scheduler`,
        },
        timeout, interval: 0.5, journal: { connection: h.connection, unit: "kube-apiserver" },
        triggers: [apiServer.invocationId, controllerManager.invocationId, scheduler.invocationId],
      }, { parent, dependsOn: [apiServer, controllerManager, scheduler] });
      if (args.vip) {
        gate = vipParts(`${name}-${n}`, {
          host: h, index: k, peers, vip: args.vip, endpoint: args.endpoint, clusterName: args.clusterName, timeout,
        }, { parent, dependsOn: [gate], updatesAfter: after });
      }
      this.ready.push(gate);
      this.apiServers.push(apiServer);
      previous = gate;
    });

    const first = args.hosts[0]!;
    this.endpointReady = new HealthGate(`${name}-endpoint-ready`, {
      description: interpolate`the API ready through the cluster's endpoint ${pki.server}`,
      check: { kind: "command", connection: first.connection, command: interpolate`${ADMIN_KUBECTL} --server=${pki.server} get --raw=/readyz >/dev/null` },
      timeout, interval: 0.5,
      triggers: [...this.apiServers.map((s) => s.invocationId), args.endpoint],
    }, { parent, dependsOn: this.ready });
    this.registerOutputs({});
  }
}
