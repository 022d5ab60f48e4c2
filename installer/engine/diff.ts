/** Property-level diffs, ignoreChanges and replaceOnChanges. */
import {
  Secret, containsSecret, isPlainObject, isSecret, isUnknown, propertyEquals,
  type PropertyMap, type PropertyValue,
} from "../../sdk/internal.js";
import type { PropertyDiff } from "./events.js";

/** A value as people may see it: secrets and unknowns masked. */
export function display(v: PropertyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (isSecret(v)) return "[secret]";
  if (isUnknown(v)) return "[unknown]";
  if (Array.isArray(v)) return v.map(display);
  if (isPlainObject(v)) {
    return Object.fromEntries(Object.entries(v as Record<string, PropertyValue>).map(([k, x]) => [k, display(x)]));
  }
  return v;
}

export function displayMap(m: PropertyMap): Record<string, unknown> {
  return display(m) as Record<string, unknown>;
}

/** Every changed leaf path between two property maps, objects descended into. */
export function diffProperties(olds: PropertyMap, news: PropertyMap, prefix = ""): PropertyDiff[] {
  const out: PropertyDiff[] = [];
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
  for (const k of keys) {
    const path = prefix ? `${prefix}.${k}` : k;
    const a = olds[k];
    const b = news[k];
    if (a === undefined && b !== undefined) out.push({ path, kind: "add", new: display(b) });
    else if (b === undefined && a !== undefined) out.push({ path, kind: "delete", old: display(a) });
    else if (!propertyEquals(a, b)) {
      if (isPlainObject(a) && isPlainObject(b)) {
        out.push(...diffProperties(a as PropertyMap, b as PropertyMap, path));
      } else {
        out.push({ path, kind: "update", old: display(a), new: display(b) });
      }
    }
  }
  return out;
}

function splitPath(path: string): string[] {
  return path.split(".").filter((s) => s !== "");
}

function getPath(m: PropertyMap, parts: string[]): PropertyValue | undefined {
  let v: PropertyValue | undefined = m;
  for (const p of parts) {
    if (isSecret(v)) v = v.value;
    if (!isPlainObject(v)) return undefined;
    v = (v as Record<string, PropertyValue>)[p];
  }
  return v;
}

function setPath(m: PropertyMap, parts: string[], value: PropertyValue | undefined): PropertyMap {
  const [head, ...rest] = parts;
  if (head === undefined) return m;
  const copy: Record<string, PropertyValue> = { ...m };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = copy[head];
  if (isSecret(child) && isPlainObject(child.value)) {
    copy[head] = new Secret(setPath(child.value as PropertyMap, rest, value));
    return copy;
  }
  if (!isPlainObject(child)) return m;
  copy[head] = setPath(child as PropertyMap, rest, value);
  return copy;
}

/** Keeps the old value at every ignored path, so changes there are not seen. */
export function applyIgnoreChanges(olds: PropertyMap, news: PropertyMap, ignore: readonly string[]): PropertyMap {
  let out = news;
  for (const path of ignore) {
    const parts = splitPath(path);
    out = setPath(out, parts, getPath(olds, parts));
  }
  return out;
}

/** True if a changed path falls under one of the replaceOnChanges patterns. */
export function matchesAny(changedPath: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p === "*" || changedPath === p || changedPath.startsWith(`${p}.`) || p.startsWith(`${changedPath}.`));
}

/** True if every property is secret (somewhere inside) in both maps or in neither. */
export function sameSecretness(a: PropertyMap, b: PropertyMap): boolean {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every(
    (k) => (a[k] !== undefined && containsSecret(a[k]!)) === (b[k] !== undefined && containsSecret(b[k]!)),
  );
}
