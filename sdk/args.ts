/**
 * The argument types programs write, derived from a resource's zod schema, so
 * the schema's JSDoc and `@default`s show on hover and the two cannot drift
 * (mapped types over the schema's keys keep each property's docs).
 *
 *   export interface NetworkArgs extends ArgsOf<z.input<typeof NetworkArgsSchema>, "name"> { … overrides … }
 */
import type { Input } from "./output.js";

/**
 * A schema's input type (`z.input<typeof Schema>`) as a program writes it: every
 * field an Input, plain objects and arrays element by element. The keys in
 * `Filled` become optional: the resource fills them in itself (its name).
 */
export type ArgsOf<T, Filled extends keyof T = never> = Omit<Inputify<T>, Filled> & Partial<Pick<Inputify<T>, Filled>>;

/** Every field of T an Input, deeply; optional fields stay optional. */
export type Inputify<T> = { readonly [K in keyof T]: Input<ArgValue<Exclude<T[K], undefined>>> };

type ArgValue<V> = V extends readonly (infer E)[]
  ? readonly Input<ArgValue<E>>[]
  : V extends Record<string, unknown> ? Inputify<V> : V;

/**
 * T with the types of the fields named in O replaced, for fields a program gives
 * in a richer form than the schema checks (a resource where the schema holds its
 * name or its connection). Mapped over T's keys, so each keeps T's docs and `?`.
 */
export type Override<T, O extends { readonly [K in keyof O]: K extends keyof T ? unknown : never }> = {
  readonly [K in keyof T]: K extends keyof O ? O[K] : T[K];
};
