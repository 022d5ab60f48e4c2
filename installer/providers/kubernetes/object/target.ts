/** Where an object lives in the API: its resource (discovered), namespace and URL path. */
import type { KindInfo } from "../../../kubeapi/discovery.js";
import type { Api } from "./clients.js";
import type { kubernetes } from "../deps.js";

type Inputs = kubernetes.ObjectInputs;

export interface Target {
  readonly info: KindInfo;
  readonly namespace?: string;
  readonly name: string;
  /** The object's URL path. */
  readonly path: string;
  /** "deployment.apps web -n default", for messages. */
  readonly label: string;
}

export const labelOf = (m: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string =>
  `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;

export function targetOf(info: KindInfo, i: Inputs): Target {
  const m = i.manifest;
  const namespace = info.namespaced ? (m.metadata.namespace ?? i.defaultNamespace) : undefined;
  const name = m.metadata.name;
  const path = `${info.base}${namespace ? `/namespaces/${namespace}` : ""}/${info.plural}/${encodeURIComponent(name)}`;
  return { info, namespace, name, path, label: `${m.kind} ${namespace ? `${namespace}/` : ""}${name}` };
}

/** The kind's resource; undefined when the server answered that it does not serve it (a CRD not yet established). */
export async function findTarget(api: Api, i: Inputs): Promise<Target | undefined> {
  const info = await api.discovery.find(i.manifest.apiVersion, i.manifest.kind);
  return info ? targetOf(info, i) : undefined;
}

/** The body that is applied: the manifest with its namespace filled in. */
export function bodyOf(t: Target, i: Inputs): Record<string, unknown> {
  const m = i.manifest as Record<string, unknown> & { metadata: Record<string, unknown> };
  return t.namespace ? { ...m, metadata: { ...m.metadata, namespace: t.namespace } } : { ...m, metadata: { ...m.metadata } };
}
