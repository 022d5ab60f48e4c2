/** Which output properties are secret, and how provider results become state. */
import { secretCredentialsMap } from "./credentials.js";
import {
  Secret, containsSecret, containsUnknown, isPlainObject, type PropertyMap, type PropertyValue,
} from "../../sdk/internal.js";

/** What a provider says about the secrecy of its outputs (see ResourceProvider). */
export interface SecretDeclarations {
  readonly secretOutputs?: readonly string[] | ((secretInputs: readonly string[]) => readonly string[]);
  readonly secretLeaves?: readonly string[];
}

/**
 * An output is secret if the input of the same name was (where it was: a
 * secret inside an object stays inside), if it is computed (no input of that
 * name) while any input was secret, or if asked for. A provider that lists its
 * `secretOutputs` narrows the middle rule to those; one that names
 * `secretLeaves` has only those keys (at any depth) of such an output wrapped,
 * so a connection keeps its host and user readable and its key secret.
 * Credentials are secret whatever the rules above say.
 */
export function markSecretOutputs(
  outs: Record<string, unknown>,
  inputs: PropertyMap,
  additional: readonly string[] = [],
  provider: SecretDeclarations = {},
): PropertyMap {
  const secretInputs = Object.keys(inputs).filter((k) => containsSecret(inputs[k]!));
  const anySecret = secretInputs.length > 0;
  const by = provider.secretOutputs;
  const declared = typeof by === "function" ? by(secretInputs) : by;
  const result: PropertyMap = {};
  for (const k of Object.keys(outs).sort()) {
    const v = toProperty(outs[k]);
    if (v === undefined) continue;
    if (additional.includes(k)) result[k] = new Secret(v);
    else if (k in inputs) result[k] = secretLike(v, inputs[k]!);
    else if (anySecret && (!declared || declared.includes(k))) {
      result[k] = provider.secretLeaves ? wrapLeaves(v, provider.secretLeaves) : new Secret(v);
    } else result[k] = v;
  }
  return secretCredentialsMap(result);
}

/** Re-applies secretness, key by key, to values a provider returned in plain (credentials are always secret). */
export function rewrapLike(plain: Record<string, unknown>, like: PropertyMap): PropertyMap {
  const result: PropertyMap = {};
  for (const k of Object.keys(plain).sort()) {
    const v = toProperty(plain[k]);
    if (v === undefined) continue;
    const old = like[k];
    result[k] = old !== undefined ? secretLike(v, old) : v;
  }
  return secretCredentialsMap(result);
}

/** `v` with secrets at the places `like` has them; a wholly secret `like` makes all of `v` secret. */
function secretLike(v: PropertyValue, like: PropertyValue): PropertyValue {
  if (like instanceof Secret) return v instanceof Secret ? v : new Secret(v);
  if (!containsSecret(like)) return v;
  if (isPlainObject(v) && isPlainObject(like)) {
    const o: Record<string, PropertyValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k in like ? secretLike(x, (like as Record<string, PropertyValue>)[k]!) : x;
    return o;
  }
  if (Array.isArray(v) && Array.isArray(like) && v.length === like.length) return v.map((x, i) => secretLike(x, like[i]!));
  // The shape changed: keep it whole and secret rather than guess.
  return new Secret(v);
}

/** `v` with the values of keys named in `names` wrapped, at any depth. */
function wrapLeaves(v: PropertyValue, names: readonly string[]): PropertyValue {
  if (Array.isArray(v)) return v.map((x) => wrapLeaves(x, names));
  if (isPlainObject(v)) {
    const o: Record<string, PropertyValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = names.includes(k) ? new Secret(x) : wrapLeaves(x, names);
    return o;
  }
  return v;
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
