/** A provider's check failures as one message that never shows a secret value, not even a part of it. */
import {
  containsSecret, formatProblems, isPlainObject, isSecret, withoutValue,
  type PropertyMap, type PropertyValue,
} from "../../sdk/internal.js";
import type { CheckFailure } from "../../sdk/index.js";

export function checkFailuresMessage(type: string, name: string, failures: readonly CheckFailure[], props: PropertyMap): string {
  const problems = failures.map((f) => ({
    path: f.property,
    message: secretAt(props, f.property) ? withoutValue(f.reason) : f.reason,
  }));
  return `${type} "${name}" has invalid arguments:\n${formatProblems(problems, name)}`;
}

/** True if the value at `path` (`members[1].host`) is secret, lies inside a secret, or holds one. */
export function secretAt(props: PropertyMap, path: string): boolean {
  let v: PropertyValue | undefined = props;
  for (const key of pathKeys(path)) {
    if (isSecret(v)) return true;
    if (Array.isArray(v) && typeof key === "number") v = v[key];
    else if (isPlainObject(v) && typeof key === "string") v = (v as Record<string, PropertyValue>)[key];
    else return false;
  }
  return v !== undefined && containsSecret(v);
}

function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return keys;
}
