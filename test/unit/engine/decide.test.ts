import { describe, expect, it } from "vitest";
import type { DiffResult, ResourceProvider } from "../../../sdk/index.js";
import { Secret, type PropertyMap } from "../../../sdk/internal.js";
import { decide } from "../../../installer/engine/decide.js";
import type { ResourceState } from "../../../installer/engine/state/types.js";

const URN = "urn:drydock:dev::proj::drydock:local:File::a";

function state(inputs: PropertyMap, outputs: PropertyMap = inputs): ResourceState {
  return { urn: URN, type: "drydock:local:File", custom: true, id: "id-a", inputs, outputs, dependencies: [] };
}

/** A provider without diff: the engine compares inputs itself. */
const plain: ResourceProvider = { create: async () => ({ id: "x" }) };

/** A provider whose diff answers `result` and records what it was given. */
function differ(result: DiffResult) {
  const calls: unknown[][] = [];
  const p: ResourceProvider = {
    create: async () => ({ id: "x" }),
    diff: async (...args) => {
      calls.push(args);
      return result;
    },
  };
  return { p, calls };
}

describe("decide", () => {
  it("creates when there is no old state", async () => {
    const d = await decide(plain, undefined, { path: "a.txt" }, {});
    expect(d.op).toBe("create");
    expect(d.inputs).toEqual({ path: "a.txt" });
    expect(d.diffs).toEqual([{ path: "path", kind: "add", new: "a.txt" }]);
    expect(d.deleteBeforeReplace).toBe(false);
  });

  it("is the same when inputs did not change", async () => {
    const d = await decide(plain, state({ path: "a", content: "x" }), { path: "a", content: "x" }, {});
    expect(d.op).toBe("same");
    expect(d.diffs).toEqual([]);
  });

  it("updates when an input changed", async () => {
    const d = await decide(plain, state({ content: "x" }), { content: "y" }, {});
    expect(d.op).toBe("update");
    expect(d.diffs).toEqual([{ path: "content", kind: "update", old: "x", new: "y" }]);
    expect(d.replaces).toEqual([]);
  });

  it("replaceOnChanges * forces a replacement for any change", async () => {
    const d = await decide(plain, state({ content: "x" }), { content: "y" }, { replaceOnChanges: ["*"] });
    expect(d.op).toBe("replace");
    expect(d.replaces).toEqual(["content"]);
  });

  it("replaceOnChanges on a specific nested path replaces only when it changed", async () => {
    const old = state({ tags: { owner: "a", env: "dev" }, content: "x" });
    const opts = { replaceOnChanges: ["tags.owner"] };
    expect((await decide(plain, old, { tags: { owner: "a", env: "prod" }, content: "x" }, opts)).op).toBe("update");
    const d = await decide(plain, old, { tags: { owner: "b", env: "dev" }, content: "x" }, opts);
    expect(d.op).toBe("replace");
    expect(d.replaces).toEqual(["tags"]);
  });

  it("replaceOnChanges does nothing when nothing changed", async () => {
    const d = await decide(plain, state({ a: 1 }), { a: 1 }, { replaceOnChanges: ["*"] });
    expect(d.op).toBe("same");
  });

  it("ignoreChanges suppresses an update and stores the old value", async () => {
    const d = await decide(plain, state({ content: "x", path: "p" }), { content: "y", path: "p" }, { ignoreChanges: ["content"] });
    expect(d.op).toBe("same");
    expect(d.inputs).toEqual({ content: "x", path: "p" });
  });

  it("ignoreChanges on one path still lets another path update", async () => {
    const d = await decide(plain, state({ content: "x", mode: 1 }), { content: "y", mode: 2 }, { ignoreChanges: ["content"] });
    expect(d.op).toBe("update");
    expect(d.diffs.map((x) => x.path)).toEqual(["mode"]);
  });

  it("ignoreChanges wins over replaceOnChanges for the ignored path", async () => {
    const d = await decide(plain, state({ content: "x" }), { content: "y" }, { ignoreChanges: ["content"], replaceOnChanges: ["*"] });
    expect(d.op).toBe("same");
  });

  it("honours the provider diff's replaces", async () => {
    const { p } = differ({ changes: true, replaces: ["path"] });
    const d = await decide(p, state({ path: "a" }), { path: "b" }, {});
    expect(d.op).toBe("replace");
    expect(d.replaces).toEqual(["path"]);
    expect(d.deleteBeforeReplace).toBe(false);
  });

  it("honours the provider diff's deleteBeforeReplace", async () => {
    const { p } = differ({ changes: true, replaces: ["path"], deleteBeforeReplace: true });
    const d = await decide(p, state({ path: "a" }), { path: "b" }, {});
    expect(d.deleteBeforeReplace).toBe(true);
  });

  it("honours opts.deleteBeforeReplace", async () => {
    const d = await decide(plain, state({ a: 1 }), { a: 2 }, { replaceOnChanges: ["a"], deleteBeforeReplace: true });
    expect(d.op).toBe("replace");
    expect(d.deleteBeforeReplace).toBe(true);
  });

  it("trusts the provider when it reports no changes despite an input diff", async () => {
    const { p } = differ({ changes: false });
    const d = await decide(p, state({ path: "./a" }), { path: "a" }, {});
    expect(d.op).toBe("same");
  });

  it("trusts the provider when it reports changes the inputs do not show", async () => {
    const { p } = differ({ changes: true, stables: ["sha"] });
    const d = await decide(p, state({ a: 1 }), { a: 1 }, {});
    expect(d.op).toBe("update");
    expect(d.stables).toEqual(["sha"]);
  });

  it("falls back to the input diff when the provider leaves changes undefined", async () => {
    const { p } = differ({});
    expect((await decide(p, state({ a: 1 }), { a: 2 }, {})).op).toBe("update");
    expect((await decide(p, state({ a: 1 }), { a: 1 }, {})).op).toBe("same");
  });

  it("gives the provider plain values: id, old outputs, new inputs, old inputs", async () => {
    const { p, calls } = differ({ changes: true });
    const old = state({ pw: new Secret("old") }, { pw: new Secret("old"), sha: "s" });
    await decide(p, old, { pw: new Secret("new") }, {});
    expect(calls).toEqual([["id-a", { pw: "old", sha: "s" }, { pw: "new" }, { pw: "old" }, { ignoreChanges: [] }]]);
  });

  it("shows a changed secret as [secret] in the diffs", async () => {
    const d = await decide(plain, state({ pw: new Secret("old") }), { pw: new Secret("new") }, {});
    expect(d.op).toBe("update");
    expect(d.diffs).toEqual([{ path: "pw", kind: "update", old: "[secret]", new: "[secret]" }]);
  });
});
