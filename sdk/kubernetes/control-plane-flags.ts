/**
 * The flags and config files drydock gives the control plane's components, before a program's
 * own flags (which override or add, by name). Paths are where kubernetes.ControlPlane writes them.
 */
import { stringify } from "yaml";

export const PKI = "/etc/kubernetes/pki";
export const CP_FILES = {
  authenticationConfig: "/etc/kubernetes/authentication-config.yaml",
  encryptionConfig: "/etc/kubernetes/encryption-config.yaml",
  auditPolicy: "/etc/kubernetes/audit-policy.yaml",
  schedulerConfig: "/etc/kubernetes/kube-scheduler-config.yaml",
  controllerManagerKubeconfig: "/etc/kubernetes/controller-manager.kubeconfig",
  schedulerKubeconfig: "/etc/kubernetes/scheduler.kubeconfig",
  adminKubeconfig: "/etc/kubernetes/admin.kubeconfig",
  auditLog: "/var/log/kubernetes/audit.log",
} as const;

export interface ApiServerFlagValues {
  readonly address: string;
  readonly etcdServers: string;
  readonly serviceSubnet: string;
  readonly clusterDomain: string;
  readonly encryptSecrets: boolean;
}

export function apiServerFlags(v: ApiServerFlagValues): Record<string, string> {
  return {
    "advertise-address": v.address,
    "allow-privileged": "true",
    "audit-log-maxage": "7",
    "audit-log-maxbackup": "3",
    "audit-log-maxsize": "100",
    "audit-log-path": CP_FILES.auditLog,
    "audit-policy-file": CP_FILES.auditPolicy,
    // Anonymous requests reach the health endpoints only (AuthenticationConfiguration's anonymous conditions).
    "authentication-config": CP_FILES.authenticationConfig,
    "authorization-mode": "Node,RBAC",
    "client-ca-file": `${PKI}/ca.crt`,
    "enable-admission-plugins": "NodeRestriction",
    ...(v.encryptSecrets ? { "encryption-provider-config": CP_FILES.encryptionConfig } : {}),
    "etcd-cafile": `${PKI}/etcd/ca.crt`,
    "etcd-certfile": `${PKI}/apiserver-etcd-client.crt`,
    "etcd-keyfile": `${PKI}/apiserver-etcd-client.key`,
    "etcd-servers": v.etcdServers,
    "kubelet-certificate-authority": `${PKI}/ca.crt`,
    "kubelet-client-certificate": `${PKI}/apiserver-kubelet-client.crt`,
    "kubelet-client-key": `${PKI}/apiserver-kubelet-client.key`,
    "kubelet-preferred-address-types": "InternalIP,Hostname",
    "proxy-client-cert-file": `${PKI}/front-proxy-client.crt`,
    "proxy-client-key-file": `${PKI}/front-proxy-client.key`,
    "requestheader-allowed-names": "front-proxy-client",
    "requestheader-client-ca-file": `${PKI}/front-proxy-ca.crt`,
    "requestheader-extra-headers-prefix": "X-Remote-Extra-",
    "requestheader-group-headers": "X-Remote-Group",
    "requestheader-username-headers": "X-Remote-User",
    "secure-port": "6443",
    "service-account-issuer": `https://kubernetes.default.svc.${v.clusterDomain}`,
    "service-account-key-file": `${PKI}/sa.pub`,
    "service-account-signing-key-file": `${PKI}/sa.key`,
    "service-cluster-ip-range": v.serviceSubnet,
    // On stop, watches are ended after 5 s: otherwise its server waits 60 s for them, and a restart takes over a minute.
    "shutdown-watch-termination-grace-period": "5s",
    "tls-cert-file": `${PKI}/apiserver.crt`,
    "tls-private-key-file": `${PKI}/apiserver.key`,
  };
}

export function controllerManagerFlags(v: { clusterName: string; serviceSubnet: string; podSubnet: string }): Record<string, string> {
  return {
    "allocate-node-cidrs": "false",
    "authentication-kubeconfig": CP_FILES.controllerManagerKubeconfig,
    "authorization-kubeconfig": CP_FILES.controllerManagerKubeconfig,
    "bind-address": "127.0.0.1",
    "client-ca-file": `${PKI}/ca.crt`,
    "cluster-cidr": v.podSubnet,
    "cluster-name": v.clusterName,
    "kubeconfig": CP_FILES.controllerManagerKubeconfig,
    "leader-elect": "true",
    "requestheader-client-ca-file": `${PKI}/front-proxy-ca.crt`,
    "root-ca-file": `${PKI}/ca.crt`,
    "service-account-private-key-file": `${PKI}/sa.key`,
    "service-cluster-ip-range": v.serviceSubnet,
    "use-service-account-credentials": "true",
  };
}

export function schedulerFlags(): Record<string, string> {
  return {
    "authentication-kubeconfig": CP_FILES.schedulerKubeconfig,
    "authorization-kubeconfig": CP_FILES.schedulerKubeconfig,
    "bind-address": "127.0.0.1",
    "config": CP_FILES.schedulerConfig,
  };
}

/** `--name=value` lines for a unit's ExecStart, sorted by name (the unit's text is stable). */
export function renderFlags(flags: Record<string, string>): string {
  return Object.keys(flags).sort().map((k) => `--${k}=${flags[k]}`).join(" \\\n  ");
}

const yaml = (o: unknown): string => stringify(o, { sortMapEntries: false });

export function authenticationConfig(): string {
  return yaml({
    apiVersion: "apiserver.config.k8s.io/v1", kind: "AuthenticationConfiguration",
    anonymous: { enabled: true, conditions: [{ path: "/livez" }, { path: "/readyz" }, { path: "/healthz" }] },
  });
}

export function encryptionConfig(keyBase64: string): string {
  return yaml({
    apiVersion: "apiserver.config.k8s.io/v1", kind: "EncryptionConfiguration",
    resources: [{ resources: ["secrets"], providers: [{ aescbc: { keys: [{ name: "drydock-1", secret: keyBase64 }] } }, { identity: {} }] }],
  });
}

/** What the audit log records by default: every request's metadata (never a body, so never a Secret's data), health probes excepted. */
export const DEFAULT_AUDIT_POLICY: Record<string, unknown> = {
  apiVersion: "audit.k8s.io/v1", kind: "Policy", omitStages: ["RequestReceived"],
  rules: [
    { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*"] },
    { level: "Metadata" },
  ],
};

export function schedulerConfig(user: Record<string, unknown>): string {
  return yaml({
    apiVersion: "kubescheduler.config.k8s.io/v1", kind: "KubeSchedulerConfiguration",
    clientConnection: { kubeconfig: CP_FILES.schedulerKubeconfig },
    leaderElection: { leaderElect: true },
    ...user,
  });
}
