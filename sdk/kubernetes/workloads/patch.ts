/**
 * Overlays: what people use Kustomize for, in TypeScript. A patch selects objects (by kind, name,
 * namespace, apiVersion; all optional) and either merges a partial object into them (JSON merge
 * patch rules: `null` removes a field, arrays are replaced) or maps them with a function
 * (`undefined` drops the object).
 */
export type KubeManifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> };

export interface Selector {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** A name, or a pattern. */
  readonly name?: string | RegExp;
  readonly namespace?: string;
}

export interface Patch {
  readonly select?: Selector;
  /** Merged into each selected object (RFC 7386). */
  readonly merge?: Record<string, unknown>;
  /** Or: the object in, the object (or undefined, to drop it) out. */
  readonly apply?: (o: KubeManifest) => KubeManifest | undefined;
}

export function matches(o: KubeManifest, s: Selector | undefined): boolean {
  if (!s) return true;
  if (s.apiVersion !== undefined && o.apiVersion !== s.apiVersion) return false;
  if (s.kind !== undefined && o.kind !== s.kind) return false;
  if (s.namespace !== undefined && o.metadata.namespace !== s.namespace) return false;
  if (s.name instanceof RegExp) return s.name.test(o.metadata.name);
  return s.name === undefined || o.metadata.name === s.name;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The objects with every patch applied, in order. */
export function applyPatches(objects: readonly KubeManifest[], patches: readonly Patch[] = []): KubeManifest[] {
  let out = [...objects];
  for (const p of patches) {
    out = out.flatMap((o) => {
      if (!matches(o, p.select)) return [o];
      let next: KubeManifest | undefined = p.merge ? (mergePatch(o, p.merge) as KubeManifest) : o;
      if (next && p.apply) next = p.apply(structuredClone(next));
      return next ? [next] : [];
    });
  }
  return out;
}
