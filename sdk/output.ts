/**
 * Input and Output: values that may not be known yet, may be secret, and
 * remember which resources they came from (Pulumi's programming model).
 */
import { isPlainObject, type PropertyValue } from "./properties.js";
import { track } from "./runtime.js";

const OUTPUT = Symbol.for("drydock.output");

/** The state of an Output once it has settled. */
export interface OutputData<T> {
  readonly value: T | undefined;
  readonly known: boolean;
  readonly secret: boolean;
  /** Resources (objects) this value depends on. */
  readonly resources: ReadonlySet<object>;
  /**
   * The value as a property tree with its `Secret` leaves where they are: set only
   * on a resource's output read as it is, so passing it on keeps its host readable
   * and its key secret. Anything derived from it (`apply`, `all`, `secret`) drops
   * the tree and is secret as a whole if any part was.
   */
  readonly tree?: PropertyValue;
}

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** Deeply removes Output and Promise wrappers from a type. */
export type Unwrap<T> =
  T extends Output<infer U> ? Unwrap<U>
  : T extends Promise<infer U> ? Unwrap<U>
  : T extends Primitive ? T
  : T extends (...args: never[]) => unknown ? T
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Unwrap<T[K]> }
  : T extends object ? { [K in keyof T]: Unwrap<T[K]> }
  : T;

export type Input<T> = T | Promise<T> | Output<T>;
export type Inputs = Record<string, Input<unknown>>;

const EMPTY: ReadonlySet<object> = new Set();

export class Output<T> {
  readonly [OUTPUT] = true;
  /** @internal */
  readonly data: Promise<OutputData<T>>;

  /** @internal Use `output()`, `secret()` or `all()` to make Outputs. */
  constructor(data: Promise<OutputData<T>>) {
    this.data = data;
    // A failure is reported where it happens (the runtime tracks it), not as an unhandled rejection.
    data.catch(() => {});
  }

  /** @internal */
  static known<T>(value: T, secret = false, resources: ReadonlySet<object> = EMPTY): Output<T> {
    return new Output(Promise.resolve({ value, known: true, secret, resources }));
  }

  /** @internal */
  static unknown<T>(secret = false, resources: ReadonlySet<object> = EMPTY): Output<T> {
    return new Output<T>(Promise.resolve({ value: undefined, known: false, secret, resources }));
  }

  static isInstance(v: unknown): v is Output<unknown> {
    return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[OUTPUT] === true;
  }

  /**
   * Transforms the value once it is known. During a preview the callback does
   * not run on an unknown value; the result is then unknown too.
   * Secretness and dependencies carry over to the result.
   */
  apply<U>(fn: (value: T) => Input<U>): Output<U> {
    const next = this.data.then(async (d): Promise<OutputData<U>> => {
      if (!d.known) return { value: undefined, known: false, secret: d.secret, resources: d.resources };
      const inner = await resolveOne(await fn(d.value as T));
      return {
        value: inner.value as U,
        known: inner.known,
        secret: d.secret || inner.secret,
        resources: union(d.resources, inner.resources),
      };
    });
    return new Output(track(next));
  }

  toString(): string {
    throw new Error(
      "Calling toString() on an Output<T> is not supported: the value may not be known yet. " +
        "Use .apply(v => `...${v}`) or interpolate`...` to build a string from it.",
    );
  }

  toJSON(): never {
    throw new Error(
      "Calling toJSON() on an Output<T> is not supported: use .apply(v => JSON.stringify(v)) instead.",
    );
  }
}

function union(a: ReadonlySet<object>, b: ReadonlySet<object>): ReadonlySet<object> {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}

/** Resolves one level: an Output or a Promise (of an Output). */
async function resolveOne(v: unknown): Promise<OutputData<unknown>> {
  const x = await v;
  if (Output.isInstance(x)) return x.data;
  return { value: x, known: true, secret: false, resources: EMPTY };
}

/** Deeply resolves Outputs and Promises inside arrays and plain objects. */
export async function resolveDeep(v: unknown): Promise<OutputData<unknown>> {
  const top = await resolveOne(v);
  if (!top.known) return top;
  const x = top.value;
  if (Array.isArray(x) || isPlainObject(x)) {
    const entries = Array.isArray(x) ? x.map((e, i) => [i, e] as const) : Object.entries(x);
    const parts = await Promise.all(entries.map(([, e]) => resolveDeep(e)));
    let known = true;
    let secret = top.secret;
    let resources = top.resources;
    for (const p of parts) {
      known &&= p.known;
      secret ||= p.secret;
      resources = union(resources, p.resources);
    }
    if (!known) return { value: undefined, known, secret, resources };
    const value: unknown = Array.isArray(x)
      ? parts.map((p) => p.value)
      : Object.fromEntries(entries.map(([k], i) => [k, parts[i]!.value]));
    return { value, known, secret, resources };
  }
  return top;
}

/** Lifts any Input, deeply, into an Output. */
export function output<T>(v: Input<T>): Output<Unwrap<T>> {
  return new Output(track(resolveDeep(v) as Promise<OutputData<Unwrap<T>>>));
}

/** Combines an array or an object of Inputs into one Output; `all([a, b])` keeps its tuple type: `Output<[A, B]>`. */
export function all<const T extends readonly unknown[]>(values: T): Output<Unwrap<T>>;
export function all<T extends Record<string, unknown>>(values: T): Output<Unwrap<T>>;
export function all<T extends readonly unknown[] | Record<string, unknown>>(values: T): Output<Unwrap<T>> {
  return output(values as Input<T>) as Output<Unwrap<T>>;
}

/** Marks a value as secret: encrypted in state and shown as `[secret]`. */
export function secret<T>(v: Input<T>): Output<Unwrap<T>> {
  const o = output(v);
  return new Output(o.data.then((d) => ({ ...d, secret: true, tree: undefined })));
}

/** Removes the secret mark. Use with care: the value will be stored in plaintext (credentials excepted). */
export function unsecret<T>(v: Output<T>): Output<T> {
  return new Output(v.data.then((d) => ({ ...d, secret: false, tree: undefined })));
}

/** Resolves to whether the Output is secret. */
export async function isSecret(v: Output<unknown>): Promise<boolean> {
  return (await v.data).secret;
}

/** Builds a string Output from a template: interpolate`https://${host}:${port}`. */
export function interpolate(strings: TemplateStringsArray, ...values: Input<unknown>[]): Output<string> {
  return all(values).apply((vs) => strings.reduce((acc, s, i) => acc + s + (i < vs.length ? String(vs[i]) : ""), ""));
}

/** Concatenates Inputs into a string Output. */
export function concat(...parts: Input<unknown>[]): Output<string> {
  return all(parts).apply((vs) => vs.map(String).join(""));
}
