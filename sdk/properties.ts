/**
 * The property model shared by the SDK, the engine and providers.
 *
 * A property tree is plain JSON in which two kinds of leaves may appear:
 * a `Secret` wraps a value that must be encrypted at rest and redacted in
 * output, and `unknown` stands for a value that is only known after `up`.
 */

const SECRET = Symbol.for("drydock.secret");
const UNKNOWN = Symbol.for("drydock.unknown");

/** A value that is secret: encrypted in state, shown as `[secret]`. */
export class Secret {
  readonly [SECRET] = true;
  constructor(readonly value: PropertyValue) {}
}

/** The placeholder for a value that is not known until `up` runs. */
export const unknown: { readonly [UNKNOWN]: true } = Object.freeze({ [UNKNOWN]: true as const });

export type PropertyValue =
  | null
  | boolean
  | number
  | string
  | PropertyValue[]
  | { [key: string]: PropertyValue }
  | Secret
  | typeof unknown;

export type PropertyMap = Record<string, PropertyValue>;

export function isSecret(v: unknown): v is Secret {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[SECRET] === true;
}

export function isUnknown(v: unknown): v is typeof unknown {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[UNKNOWN] === true;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || isUnknown(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** True if the tree holds an unknown anywhere. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (isSecret(v)) return containsUnknown(v.value);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isPlainObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** True if the tree holds a secret anywhere. */
export function containsSecret(v: PropertyValue): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isPlainObject(v)) return Object.values(v as Record<string, PropertyValue>).some(containsSecret);
  return false;
}

/** Dotted paths (`files[2].content`) at which `v` holds a secret. */
export function secretPathsOf(v: PropertyValue, path = "", out: string[] = []): string[] {
  if (isSecret(v)) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => secretPathsOf(x, `${path}[${i}]`, out));
  else if (isPlainObject(v)) for (const [k, x] of Object.entries(v as Record<string, PropertyValue>)) secretPathsOf(x, path ? `${path}.${k}` : k, out);
  return out;
}

/** Removes secret wrappers, keeping values (what a provider sees). */
export function reveal(v: PropertyValue): PropertyValue {
  if (isSecret(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (isPlainObject(v)) {
    const out: Record<string, PropertyValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, PropertyValue>)) out[k] = reveal(x);
    return out;
  }
  return v;
}

export function revealMap(m: PropertyMap): Record<string, unknown> {
  return reveal(m) as Record<string, unknown>;
}

/**
 * Deep equality of property trees, and of the plain values a provider holds
 * (config maps, lists, connections); secrets compare by value.
 */
export function propertyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (isSecret(a) || isSecret(b)) {
    return propertyEquals(isSecret(a) ? a.value : a, isSecret(b) ? b.value : b);
  }
  if (isUnknown(a) || isUnknown(b)) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => propertyEquals(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => k in b && propertyEquals(a[k], b[k]));
  }
  return false;
}

/**
 * Every plaintext string found inside secrets, to redact from logs. Numbers are
 * left out: masking every "22" in every message would hide more than it protects.
 */
export function secretStrings(v: PropertyValue, inSecret = false, out: string[] = []): string[] {
  if (isSecret(v)) return secretStrings(v.value, true, out);
  if (typeof v === "string" && inSecret) out.push(v);
  else if (Array.isArray(v)) for (const x of v) secretStrings(x, inSecret, out);
  else if (isPlainObject(v)) for (const x of Object.values(v as Record<string, PropertyValue>)) secretStrings(x, inSecret, out);
  return out;
}
