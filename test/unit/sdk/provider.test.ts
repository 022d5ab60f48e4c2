import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkWith } from "../../../sdk/index.js";
import { formatProblems, unknown } from "../../../sdk/internal.js";

const schema = z.object({
  name: z.string(),
  port: z.number().int().default(80),
  members: z.array(z.object({ host: z.string(), weight: z.number().optional() })),
  tags: z.record(z.string(), z.string()).optional(),
});

describe("checkWith", () => {
  it("returns the parsed inputs, defaults applied, when valid", () => {
    const r = checkWith(schema, { name: "lb", members: [{ host: "a" }] });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ name: "lb", port: 80, members: [{ host: "a" }] });
  });

  it("reports every problem at once, each with its dotted path", () => {
    const r = checkWith(schema, { name: 1, port: 1.5, members: [{ host: "a" }, { host: 2 }], tags: { a: 3 } });
    expect(r.inputs).toBeUndefined();
    const props = r.failures!.map((f) => f.property).sort();
    expect(props).toEqual(["members[1].host", "name", "port", "tags.a"]);
  });

  it("names the offending value in the reason", () => {
    const r = checkWith(schema, { name: "lb", members: [{ host: false }] });
    expect(r.failures).toHaveLength(1);
    expect(r.failures![0]!.property).toBe("members[0].host");
    expect(r.failures![0]!.reason).toMatch(/\(got false\)$/);
  });

  it("reports a missing required field without a value", () => {
    const r = checkWith(schema, { members: [] });
    expect(r.failures).toEqual([{ property: "name", reason: expect.not.stringContaining("(got") }]);
  });

  it("ignores problems at an unknown value, and still applies the defaults of known fields", () => {
    const r = checkWith(schema, { name: unknown, members: [{ host: unknown }] });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ name: unknown, port: 80, members: [{ host: unknown }] });
  });

  it("ignores problems under an unknown value", () => {
    const r = checkWith(schema, { name: "x", members: unknown });
    expect(r.failures).toBeUndefined();
    const deep = checkWith(schema, { name: "x", members: [unknown, { host: "b" }] });
    expect(deep.failures).toBeUndefined();
  });

  it("still reports known problems next to unknown values", () => {
    const r = checkWith(schema, { name: unknown, port: "eighty", members: [{ host: unknown, weight: "heavy" }] });
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["members[0].weight", "port"]);
  });

  it("does not ignore a sibling whose name starts with an unknown key", () => {
    const s = z.object({ a: z.string(), ab: z.string() });
    const r = checkWith(s, { a: unknown, ab: 1 });
    expect(r.failures!.map((f) => f.property)).toEqual(["ab"]);
  });
});

describe("formatProblems", () => {
  it("prints one line per problem with its path under a prefix", () => {
    const text = formatProblems([{ path: "members[1].host", message: "bad" }, { path: "[0]", message: "worse" }, { path: "", message: "whole" }], "lb");
    expect(text.split("\n")).toEqual(["  ✖ bad → at lb.members[1].host", "  ✖ worse → at lb[0]", "  ✖ whole → at lb"]);
  });
});
