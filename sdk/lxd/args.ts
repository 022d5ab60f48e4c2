/**
 * The argument types programs write, derived from the zod schemas, so the
 * schema's JSDoc and `@default`s show on hover and the two cannot drift.
 */
import type { Input } from "../output.js";

/** A schema's input type as a program writes it: each field an Input, plain objects and arrays element by element. */
export type ArgsOf<T> = { readonly [K in keyof T]: Input<ArgValue<T[K]>> };

type ArgValue<V> = V extends readonly (infer E)[]
  ? readonly Input<ArgValue<E>>[]
  : V extends Record<string, unknown> ? ArgsOf<V> : V;

/** The LXD name of a resource, or a literal name (which creates no dependency). */
export type NameRef<R> = Input<string> | R;

/** `.name` of an lxd resource, so an instance depends on it; a literal name passes through. */
export function nameOf<R extends { readonly name: Input<string> }>(x: NameRef<R>, isResource: (v: unknown) => v is R): Input<string> {
  return isResource(x) ? x.name : (x as Input<string>);
}
