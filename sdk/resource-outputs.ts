/**
 * A resource's outputs, derived from its schema: the provider stores every input
 * (defaults applied) and returns it as an output, so each schema field is an
 * Output property too, typed and documented by the schema.
 *
 *   export interface Network extends OutputsOf<NetworkInputs> {}
 *   export class Network extends CustomResource { … super(…, outputNames(NetworkArgsSchema, extras)) }
 */
import type { Output } from "./output.js";

/** Each field of a schema's output type (`z.infer`) as an Output; an optional field's Output may hold undefined. */
export type OutputsOf<T> = { readonly [K in keyof T]-?: Output<T[K]> };

/** The names of a resource's output properties: every field of its schema, then those the provider adds. */
export function outputNames(schema: { readonly shape: object }, extra: readonly string[] = []): string[] {
  return [...Object.keys(schema.shape), ...extra];
}
