/** Which output properties are secret, and how provider results become state. */
import {
  Secret, containsSecret, containsUnknown, isPlainObject, type PropertyMap, type PropertyValue,
} from "../../sdk/internal.js";

/**
 * An output is secret if the input of the same name was, if it is computed
 * (no input of that name) while any input was secret, or if asked for. A
 * provider that lists its `secretOutputs` narrows the middle rule to those:
 * its other computed outputs never carry input secrets.
 */
export function markSecretOutputs(
  outs: Record<string, unknown>,
  inputs: PropertyMap,
  additional: readonly string[] = [],
  declaredBy?: readonly string[] | ((secretInputs: readonly string[]) => readonly string[]),
): PropertyMap {
  const secretInputs = Object.keys(inputs).filter((k) => containsSecret(inputs[k]!));
  const anySecret = secretInputs.length > 0;
  const declared = typeof declaredBy === "function" ? declaredBy(secretInputs) : declaredBy;
  const result: PropertyMap = {};
  for (const k of Object.keys(outs).sort()) {
    const v = toProperty(outs[k]);
    if (v === undefined) continue;
    const computedSecret = anySecret && (!declared || declared.includes(k));
    const secret = k in inputs ? containsSecret(inputs[k]!) : computedSecret;
    result[k] = secret || additional.includes(k) ? new Secret(v) : v;
  }
  return result;
}

/** Re-applies secretness, key by key, to values a provider returned in plain. */
export function rewrapLike(plain: Record<string, unknown>, like: PropertyMap): PropertyMap {
  const result: PropertyMap = {};
  for (const k of Object.keys(plain).sort()) {
    const v = toProperty(plain[k]);
    if (v === undefined) continue;
    const old = like[k];
    result[k] = old !== undefined && containsSecret(old) ? new Secret(v) : v;
  }
  return result;
}

function toProperty(v: unknown): PropertyValue | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
  if (Array.isArray(v)) return v.map((x) => toProperty(x) ?? null);
  if (isPlainObject(v)) {
    const o: Record<string, PropertyValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = toProperty(x);
      if (p !== undefined) o[k] = p;
    }
    return o;
  }
  return v as PropertyValue;
}

/**
 * After an update every output is known, except one that comes from a resource a
 * --target run left out: that one keeps its last value (or stays absent).
 * Returns the settled outputs and the keys that were kept.
 */
export function settleUnknowns(news: PropertyMap, olds: PropertyMap): { outputs: PropertyMap; kept: string[] } {
  const outputs: PropertyMap = {};
  const kept: string[] = [];
  for (const [k, v] of Object.entries(news)) {
    if (!containsUnknown(v)) outputs[k] = v;
    else {
      kept.push(k);
      if (olds[k] !== undefined) outputs[k] = olds[k]!;
    }
  }
  return { outputs, kept };
}
