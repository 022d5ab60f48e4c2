/** all() keeps the shape of what it combines: a tuple stays a tuple, an object keeps its keys (checked by `npm run typecheck`). */
import { describe, expect, expectTypeOf, it } from "vitest";
import { Output, all, type Unwrap } from "../../../sdk/index.js";

describe("all() types", () => {
  it("keeps a mixed tuple's element types", async () => {
    const combined = all([Output.known("web"), Output.known(22), Promise.resolve(true)]);
    expectTypeOf(combined).toEqualTypeOf<Output<[string, number, boolean]>>();
    expect((await combined.data).value).toEqual(["web", 22, true]);
  });

  it("gives an array for an array, and an object of values for an object", () => {
    const hosts: Output<string>[] = [];
    expectTypeOf(all(hosts)).toEqualTypeOf<Output<string[]>>();
    expectTypeOf(all({ host: Output.known("a"), port: 22 })).toEqualTypeOf<Output<{ host: string; port: number }>>();
    expectTypeOf<Unwrap<readonly [Output<string>, Promise<Output<number>>]>>().toEqualTypeOf<[string, number]>();
  });
});
