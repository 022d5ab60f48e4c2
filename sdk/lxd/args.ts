/** References between LXD resources: a resource or its name. */
import type { Input } from "../output.js";

/** The LXD name of a resource, or a literal name (which creates no dependency). */
export type NameRef<R> = Input<string> | R;

/** `.name` of an lxd resource, so an instance depends on it; a literal name passes through. */
export function nameOf<R extends { readonly name: Input<string> }>(x: NameRef<R>, isResource: (v: unknown) => v is R): Input<string> {
  return isResource(x) ? x.name : (x as Input<string>);
}
