/** Turns a program's resource args (Inputs, Outputs, Promises) into a property map. */
import { Output } from "../../sdk/index.js";
import { secretCredentialsMap } from "./credentials.js";
import {
  Secret, isPlainObject, isResource, resourceInternals, unknown,
  type PropertyMap, type PropertyValue,
} from "../../sdk/internal.js";

export interface SerializedProps {
  readonly props: PropertyMap;
  /** Resources the values came from. */
  readonly deps: Set<object>;
}

export async function serializeProps(args: Record<string, unknown>, where: string): Promise<SerializedProps> {
  const deps = new Set<object>();
  const props: PropertyMap = {};
  await Promise.all(
    Object.entries(args).map(async ([k, v]) => {
      const s = await serializeValue(v, deps, `${where}.${k}`);
      if (s !== undefined) props[k] = s;
    }),
  );
  // Credentials are secret however the program wrote them (a literal Connection, a jump hop, a login).
  return { props: secretCredentialsMap(sortKeys(props)), deps };
}

async function serializeValue(v: unknown, deps: Set<object>, path: string): Promise<PropertyValue | undefined> {
  let x = await v;
  let secret = false;
  if (Output.isInstance(x)) {
    const d = await x.data;
    for (const r of d.resources) deps.add(r);
    if (!d.known) return d.secret ? new Secret(unknown) : unknown;
    // A resource's output passed on as it is keeps its secrets where they are (a connection's key, not its host).
    if (d.tree !== undefined) return d.tree;
    secret = d.secret;
    x = d.value;
  }
  const inner = await serializePlain(x, deps, path);
  if (inner === undefined) return undefined;
  return secret ? new Secret(inner) : inner;
}

async function serializePlain(x: unknown, deps: Set<object>, path: string): Promise<PropertyValue | undefined> {
  if (x === undefined) return undefined;
  if (x === null || typeof x === "string" || typeof x === "boolean") return x;
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new TypeError(`${path}: ${x} is not a finite number`);
    return x;
  }
  if (isResource(x)) {
    deps.add(x);
    return resourceInternals(x).urn;
  }
  if (Array.isArray(x)) {
    const parts = await Promise.all(x.map((e, i) => serializeValue(e, deps, `${path}[${i}]`)));
    return parts.map((p) => (p === undefined ? null : p));
  }
  if (isPlainObject(x)) {
    const out: Record<string, PropertyValue> = {};
    const entries = await Promise.all(
      Object.entries(x).map(async ([k, e]) => [k, await serializeValue(e, deps, `${path}.${k}`)] as const),
    );
    for (const [k, e] of entries) if (e !== undefined) out[k] = e;
    return sortKeys(out);
  }
  throw new TypeError(`${path}: a ${typeof x === "object" ? x.constructor?.name ?? "object" : typeof x} cannot be a resource property`);
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}
