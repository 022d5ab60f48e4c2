import { describe, expect, it } from "vitest";
import {
  Secret, containsSecret, containsUnknown, isSecret, isUnknown, propertyEquals, reveal, secretStrings, unknown,
  type PropertyValue,
} from "../../../sdk/internal.js";

describe("Secret and unknown", () => {
  it("are recognised by isSecret and isUnknown, and not confused with each other", () => {
    const s = new Secret("x");
    expect(isSecret(s)).toBe(true);
    expect(isUnknown(s)).toBe(false);
    expect(isUnknown(unknown)).toBe(true);
    expect(isSecret(unknown)).toBe(false);
    expect(isSecret({ value: "x" })).toBe(false);
    expect(isUnknown(null)).toBe(false);
  });
});

describe("propertyEquals", () => {
  it("compares trees deeply", () => {
    expect(propertyEquals({ a: [1, { b: "c" }] }, { a: [1, { b: "c" }] })).toBe(true);
    expect(propertyEquals({ a: [1, { b: "c" }] }, { a: [1, { b: "d" }] })).toBe(false);
    expect(propertyEquals([1, 2], [1, 2, 3])).toBe(false);
    expect(propertyEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(propertyEquals({ a: 1, b: null }, { a: 1, c: null })).toBe(false);
  });

  it("compares secrets by value, wrapped or not", () => {
    expect(propertyEquals(new Secret("x"), new Secret("x"))).toBe(true);
    expect(propertyEquals(new Secret("x"), "x")).toBe(true);
    expect(propertyEquals(new Secret({ a: 1 }), new Secret({ a: 2 }))).toBe(false);
  });

  it("never considers an unknown equal to a known value", () => {
    expect(propertyEquals(unknown, "x")).toBe(false);
    expect(propertyEquals("x", unknown)).toBe(false);
    expect(propertyEquals(undefined, null)).toBe(false);
  });

  it("does not equate an array with an object of the same indices", () => {
    expect(propertyEquals([1], { 0: 1 } as unknown as PropertyValue)).toBe(false);
  });
});

describe("reveal", () => {
  it("removes every secret wrapper, keeping the values", () => {
    const v: PropertyValue = { a: new Secret({ b: new Secret("x") }), c: [new Secret(1), 2] };
    expect(reveal(v)).toEqual({ a: { b: "x" }, c: [1, 2] });
    expect(containsSecret(reveal(v))).toBe(false);
  });
});

describe("containsSecret and containsUnknown", () => {
  it("find secrets at any depth", () => {
    expect(containsSecret({ a: [{ b: new Secret("x") }] })).toBe(true);
    expect(containsSecret({ a: [{ b: "x" }] })).toBe(false);
  });

  it("find unknowns at any depth, including inside secrets", () => {
    expect(containsUnknown({ a: [1, { b: unknown }] })).toBe(true);
    expect(containsUnknown(new Secret({ a: unknown }))).toBe(true);
    expect(containsUnknown({ a: [1, { b: "x" }] })).toBe(false);
  });
});

describe("secretStrings", () => {
  it("lists strings found inside secrets only: numbers are not text to mask", () => {
    const v: PropertyValue = {
      plain: "visible",
      s: new Secret({ user: "admin", pass: "hunter2", port: 5432, on: true }),
      list: [new Secret("tok"), "open"],
    };
    const found = secretStrings(v);
    expect(found.sort()).toEqual(["admin", "hunter2", "tok"]);
    expect(found).not.toContain("visible");
    expect(found).not.toContain("open");
  });

  it("returns nothing for a tree without secrets", () => {
    expect(secretStrings({ a: ["x", 1] })).toEqual([]);
  });
});
