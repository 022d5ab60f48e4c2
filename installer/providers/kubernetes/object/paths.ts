/**
 * Object paths: a field-by-field diff of two objects (arrays by index), the live object seen
 * through what a manifest sets (so drift in drydock's fields shows and nothing else), and
 * removing paths (ignoreChanges) from a body.
 */
export interface FieldChange {
  readonly path: string;
  readonly kind: "add" | "delete" | "update";
  readonly old?: unknown;
  readonly new?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const join = (p: string, k: string | number): string => (typeof k === "number" ? `${p}[${k}]` : p ? `${p}.${k}` : k);

/** Every changed leaf; `mask` says which paths hold secrets (shown as "[secret]"). */
export function diffObjects(a: unknown, b: unknown, mask: (path: string) => boolean = () => false, path = ""): FieldChange[] {
  const show = (v: unknown): unknown => (mask(path) ? "[secret]" : v);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => diffObjects(a[k], b[k], mask, join(path, k)));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => diffObjects(x, b[i], mask, join(path, i)));
  if (a === undefined && b === undefined) return [];
  if (a === undefined) return [{ path, kind: "add", new: mask(path) ? "[secret]" : b }];
  if (b === undefined) return [{ path, kind: "delete", old: mask(path) ? "[secret]" : a }];
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ path, kind: "update", old: show(a), new: show(b) }];
}

/** `live` restricted to the shape of `shape`: the values at the paths the manifest sets. */
export function project(shape: unknown, live: unknown): unknown {
  if (isObj(shape)) {
    if (!isObj(live)) return live;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(shape)) if (live[k] !== undefined) out[k] = project(shape[k], live[k]);
    return out;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(live)) return live;
    return live.map((x, i) => (i < shape.length ? project(shape[i], x) : x));
  }
  return live;
}

/** A copy of `body` without the dotted paths (`spec.replicas`, `metadata.labels.team`). */
export function withoutPaths(body: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const out = structuredClone(body);
  for (const p of paths) {
    const parts = p.split(".");
    let o: unknown = out;
    for (const part of parts.slice(0, -1)) o = isObj(o) ? o[part] : undefined;
    if (isObj(o)) delete o[parts.at(-1)!];
  }
  return out;
}
