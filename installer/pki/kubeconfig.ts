/** A kubeconfig with everything embedded, keys in a fixed order so the same inputs give the same text. */
import { stringify } from "yaml";

export interface KubeconfigParts {
  readonly server: string;
  readonly caCertPem: string;
  readonly certificate: { readonly certPem: string; readonly keyPem: string };
  readonly clusterName: string;
  readonly userName: string;
  readonly contextName?: string;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

export function renderKubeconfig(k: KubeconfigParts): string {
  const context = k.contextName ?? `${k.userName}@${k.clusterName}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: k.clusterName, cluster: { server: k.server.replace(/\/$/, ""), "certificate-authority-data": b64(k.caCertPem) } }],
    users: [{ name: k.userName, user: { "client-certificate-data": b64(k.certificate.certPem), "client-key-data": b64(k.certificate.keyPem) } }],
    contexts: [{ name: context, context: { cluster: k.clusterName, user: k.userName } }],
    "current-context": context,
    preferences: {},
  }, { lineWidth: 0 });
}
