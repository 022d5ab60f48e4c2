/** docs/cli.md describes the event stream the engine really emits. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyCounts } from "../../../installer/engine/events.js";

const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/cli.md"), "utf8");

describe("docs/cli.md events", () => {
  it("lists exactly the step ops of installer/engine/events.ts", () => {
    const row = /\| `step` \|[^\n]*`op` \(([^)]*)\)/.exec(doc);
    expect(row).not.toBeNull();
    const ops = [...row![1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(ops.sort()).toEqual(Object.keys(emptyCounts()).sort());
  });

  it("its summary excerpt counts exactly those ops", () => {
    const counts = /"counts":(\{[^}]*\})/.exec(doc);
    expect(counts).not.toBeNull();
    expect(Object.keys(JSON.parse(counts![1]!)).sort()).toEqual(Object.keys(emptyCounts()).sort());
  });
});
