import { describe, expect, it } from "vitest";
import { applyIgnoreChanges, diffProperties, display, matchesAny } from "../../../installer/engine/diff.js";
import { Secret, propertyEquals, reveal, unknown } from "../../../sdk/internal.js";

describe("diffProperties", () => {
  it("is empty for equal maps", () => {
    expect(diffProperties({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it("reports adds, deletes and updates, sorted by key", () => {
    expect(diffProperties({ b: 1, c: "x" }, { a: true, c: "y" })).toEqual([
      { path: "a", kind: "add", new: true },
      { path: "b", kind: "delete", old: 1 },
      { path: "c", kind: "update", old: "x", new: "y" },
    ]);
  });

  it("descends into objects and reports leaf paths", () => {
    const olds = { tags: { owner: "a", env: "dev", gone: "x" }, size: 1 };
    const news = { tags: { owner: "b", env: "dev", extra: { deep: 1 } }, size: 1 };
    expect(diffProperties(olds, news)).toEqual([
      { path: "tags.extra", kind: "add", new: { deep: 1 } },
      { path: "tags.gone", kind: "delete", old: "x" },
      { path: "tags.owner", kind: "update", old: "a", new: "b" },
    ]);
  });

  it("reports a changed array as a whole", () => {
    expect(diffProperties({ l: [1, 2] }, { l: [1, 3] })).toEqual([{ path: "l", kind: "update", old: [1, 2], new: [1, 3] }]);
  });

  it("reports a change between an object and a scalar at that path", () => {
    expect(diffProperties({ a: { b: 1 } }, { a: "flat" })).toEqual([{ path: "a", kind: "update", old: { b: 1 }, new: "flat" }]);
  });

  it("never shows secret values, only that they changed", () => {
    const d = diffProperties(
      { pw: new Secret("hunter1"), k: { t: new Secret("tokA") } },
      { pw: new Secret("hunter2"), k: { t: new Secret("tokB") } },
    );
    expect(d).toEqual([
      { path: "k.t", kind: "update", old: "[secret]", new: "[secret]" },
      { path: "pw", kind: "update", old: "[secret]", new: "[secret]" },
    ]);
    expect(JSON.stringify(d)).not.toMatch(/hunter|tok/);
  });

  it("does not report a secret whose value did not change", () => {
    expect(diffProperties({ pw: new Secret("same") }, { pw: new Secret("same") })).toEqual([]);
  });

  it("shows unknown values as [unknown]", () => {
    expect(diffProperties({ ip: "1.2.3.4" }, { ip: unknown })).toEqual([
      { path: "ip", kind: "update", old: "1.2.3.4", new: "[unknown]" },
    ]);
  });

  it("masks secrets inside added values", () => {
    expect(diffProperties({}, { db: { user: "u", pw: new Secret("p") } })).toEqual([
      { path: "db", kind: "add", new: { user: "u", pw: "[secret]" } },
    ]);
  });
});

describe("display", () => {
  it("masks secrets and unknowns at any depth", () => {
    expect(display({ a: [new Secret("x"), unknown, 1], b: { c: new Secret({ d: 1 }) } })).toEqual({
      a: ["[secret]", "[unknown]", 1],
      b: { c: "[secret]" },
    });
    expect(display(undefined)).toBeUndefined();
  });
});

describe("applyIgnoreChanges", () => {
  it("keeps the old value at a top-level path", () => {
    expect(applyIgnoreChanges({ content: "old", mode: 1 }, { content: "new", mode: 2 }, ["content"])).toEqual({ content: "old", mode: 2 });
  });

  it("keeps the old value at a nested path and nothing else", () => {
    const olds = { tags: { owner: "alice", env: "dev" } };
    const news = { tags: { owner: "bob", env: "prod" } };
    const out = applyIgnoreChanges(olds, news, ["tags.owner"]);
    expect(out).toEqual({ tags: { owner: "alice", env: "prod" } });
    expect(news.tags.owner).toBe("bob");
  });

  it("drops a new value where the old had none", () => {
    expect(applyIgnoreChanges({ a: 1 }, { a: 1, b: 2 }, ["b"])).toEqual({ a: 1 });
  });

  it("restores an old value the new inputs dropped", () => {
    expect(applyIgnoreChanges({ a: 1, b: 2 }, { a: 1 }, ["b"])).toEqual({ a: 1, b: 2 });
  });

  it("keeps an old secret as a secret", () => {
    const out = applyIgnoreChanges({ pw: new Secret("old") }, { pw: new Secret("new") }, ["pw"]);
    expect(out.pw).toBeInstanceOf(Secret);
    expect(reveal(out.pw!)).toBe("old");
  });

  it("leaves inputs unchanged when the path's parent is not an object", () => {
    const news = { tags: "flat" };
    expect(applyIgnoreChanges({ tags: { a: "x" } }, news, ["tags.a"])).toEqual({ tags: "flat" });
  });

  it("keeps the old value at a path inside a secret object", () => {
    // Guards a fixed bug: setPath did not look through Secret wrappers (getPath did), so the ignore was silently dropped.
    const olds = { creds: new Secret({ user: "u", password: "p1" }) };
    const news = { creds: new Secret({ user: "u", password: "p2" }) };
    const out = applyIgnoreChanges(olds, news, ["creds.password"]);
    expect(propertyEquals(out.creds, olds.creds)).toBe(true);
  });
});

describe("matchesAny", () => {
  it("matches *, the path itself, paths under it, and a changed parent of the pattern", () => {
    expect(matchesAny("anything.at.all", ["*"])).toBe(true);
    expect(matchesAny("tags", ["tags"])).toBe(true);
    expect(matchesAny("tags.owner", ["tags"])).toBe(true);
    expect(matchesAny("tags", ["tags.owner"])).toBe(true);
  });

  it("does not match siblings or keys sharing a prefix", () => {
    expect(matchesAny("tagsx", ["tags"])).toBe(false);
    expect(matchesAny("tags.env", ["tags.owner"])).toBe(false);
    expect(matchesAny("size", [])).toBe(false);
  });
});
