/**
 * Order without ceremony: an object in namespace "web" waits for a Namespace "web" declared
 * before it in the program, and a custom object for the CustomResourceDefinition of its kind
 * (their deletes then go in reverse). Only plain names count; an Output name is a dependency anyway.
 */
import type { Resource } from "../../resource.js";

const namespaces = new Map<string, Resource>();
const kinds = new Map<string, Resource>();

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const groupOf = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** Records a Namespace or a CRD so that later objects can wait for it. */
export function declare(m: Record<string, unknown>, r: Resource): void {
  const meta = (m.metadata ?? {}) as Record<string, unknown>;
  if (m.kind === "Namespace" && str(meta.name)) namespaces.set(meta.name as string, r);
  if (m.kind === "CustomResourceDefinition") {
    const spec = (m.spec ?? {}) as { group?: unknown; names?: { kind?: unknown } };
    if (str(spec.group) && str(spec.names?.kind)) kinds.set(`${spec.group as string}/${spec.names!.kind as string}`, r);
  }
}

/** The declared Namespace and CRD this object needs, if any. */
export function dependenciesOf(m: Record<string, unknown>): Resource[] {
  const out: Resource[] = [];
  const meta = (m.metadata ?? {}) as Record<string, unknown>;
  const ns = str(meta.namespace) ? namespaces.get(meta.namespace as string) : undefined;
  if (ns) out.push(ns);
  if (str(m.apiVersion) && str(m.kind)) {
    const crd = kinds.get(`${groupOf(m.apiVersion as string)}/${m.kind as string}`);
    if (crd) out.push(crd);
  }
  return out;
}

/** The Namespace of that name declared so far, if any (for components that build metadata late). */
export function declaredNamespace(name: string): Resource[] {
  const r = namespaces.get(name);
  return r ? [r] : [];
}
