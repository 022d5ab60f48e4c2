import { describe, expect, it, vi } from "vitest";
import {
  Output, all, concat, interpolate, isSecret, output, secret, unsecret,
} from "../../../sdk/index.js";

const resA = { name: "a" };
const resB = { name: "b" };

describe("output()", () => {
  it("lifts a plain value into a known, non-secret Output without dependencies", async () => {
    const d = await output(42).data;
    expect(d).toEqual({ value: 42, known: true, secret: false, resources: new Set() });
  });

  it("deeply unwraps Outputs and Promises inside arrays and plain objects", async () => {
    const o = output({
      a: Output.known(1, false, new Set([resA])),
      b: [Promise.resolve(2), Output.known(3)],
      c: { d: Promise.resolve(Output.known("deep", true, new Set([resB]))) },
    });
    const d = await o.data;
    expect(d.value).toEqual({ a: 1, b: [2, 3], c: { d: "deep" } });
    expect(d.known).toBe(true);
    expect(d.secret).toBe(true);
    expect([...d.resources]).toEqual(expect.arrayContaining([resA, resB]));
    expect(d.resources.size).toBe(2);
  });

  it("is unknown if anything nested is unknown, keeping secretness and dependencies", async () => {
    const d = await output([1, { x: Output.unknown(true, new Set([resA])) }]).data;
    expect(d.known).toBe(false);
    expect(d.value).toBeUndefined();
    expect(d.secret).toBe(true);
    expect(d.resources.has(resA)).toBe(true);
  });

  it("does not descend into class instances", async () => {
    class Box {
      constructor(readonly inner: Output<number>) {}
    }
    const box = new Box(Output.unknown());
    const d = await output(box).data;
    expect(d.known).toBe(true);
    expect(d.value).toBe(box);
  });

  it("rejects when a nested Promise rejects", async () => {
    await expect(output({ a: Promise.reject(new Error("boom")) }).data).rejects.toThrow("boom");
  });
});

describe("apply", () => {
  it("transforms a known value and keeps secretness and dependencies", async () => {
    const d = await Output.known(2, true, new Set([resA])).apply((v) => v * 10).data;
    expect(d).toEqual({ value: 20, known: true, secret: true, resources: new Set([resA]) });
  });

  it("does not run the callback on an unknown value and gives an unknown result", async () => {
    const fn = vi.fn((v: number) => v + 1);
    const d = await Output.unknown<number>(true, new Set([resA])).apply(fn).data;
    expect(fn).not.toHaveBeenCalled();
    expect(d.known).toBe(false);
    expect(d.secret).toBe(true);
    expect(d.resources.has(resA)).toBe(true);
  });

  it("flattens an Output returned by the callback, merging its secretness and dependencies", async () => {
    const d = await Output.known("a", false, new Set([resA]))
      .apply((v) => Output.known(`${v}b`, true, new Set([resB])))
      .data;
    expect(d.value).toBe("ab");
    expect(d.secret).toBe(true);
    expect(d.resources).toEqual(new Set([resA, resB]));
  });

  it("becomes unknown when the callback returns an unknown Output", async () => {
    const d = await output(1).apply(() => Output.unknown<number>()).data;
    expect(d.known).toBe(false);
  });

  it("awaits a Promise returned by the callback", async () => {
    const d = await output(1).apply(async (v) => v + 1).data;
    expect(d.value).toBe(2);
  });

  it("rejects when the callback throws", async () => {
    const o = output(1).apply(() => {
      throw new Error("bad apply");
    });
    await expect(o.data).rejects.toThrow("bad apply");
  });
});

describe("all()", () => {
  it("combines an array of Inputs", async () => {
    const d = await all([Output.known(1, false, new Set([resA])), Promise.resolve("two"), 3]).data;
    expect(d.value).toEqual([1, "two", 3]);
    expect(d.resources).toEqual(new Set([resA]));
  });

  it("combines an object of Inputs, secret if any input is", async () => {
    const d = await all({ user: "u", pass: secret("p") }).data;
    expect(d.value).toEqual({ user: "u", pass: "p" });
    expect(d.secret).toBe(true);
  });

  it("is unknown if any member is unknown", async () => {
    const d = await all([output(1), Output.unknown<number>()]).data;
    expect(d.known).toBe(false);
  });
});

describe("interpolate and concat", () => {
  it("interpolate builds a string and carries secretness and dependencies", async () => {
    const host = Output.known("example.com", false, new Set([resA]));
    const port = Output.known(8443, true, new Set([resB]));
    const d = await interpolate`https://${host}:${port}/x`.data;
    expect(d.value).toBe("https://example.com:8443/x");
    expect(d.secret).toBe(true);
    expect(d.resources).toEqual(new Set([resA, resB]));
  });

  it("interpolate is unknown when a placeholder is unknown", async () => {
    const d = await interpolate`a=${Output.unknown<string>()}`.data;
    expect(d.known).toBe(false);
    expect(d.value).toBeUndefined();
  });

  it("concat joins Inputs of any kind", async () => {
    const d = await concat("a", Promise.resolve(1), Output.known(true), secret("s")).data;
    expect(d.value).toBe("a1trues");
    expect(d.secret).toBe(true);
  });
});

describe("secret, unsecret, isSecret", () => {
  it("secret marks a plain value secret", async () => {
    const o = secret("pw");
    expect(await isSecret(o)).toBe(true);
    expect((await o.data).value).toBe("pw");
  });

  it("secret keeps an unknown value unknown", async () => {
    const d = await secret(Output.unknown<string>()).data;
    expect(d).toMatchObject({ known: false, secret: true });
  });

  it("unsecret removes the mark but keeps value and dependencies", async () => {
    const o = unsecret(Output.known("v", true, new Set([resA])));
    const d = await o.data;
    expect(d).toEqual({ value: "v", known: true, secret: false, resources: new Set([resA]) });
    expect(await isSecret(o)).toBe(false);
    expect(await isSecret(output("x"))).toBe(false);
  });
});

describe("misuse", () => {
  it("toString() throws a clear error", () => {
    const o = output("x");
    expect(() => o.toString()).toThrow(/toString\(\) on an Output<T> is not supported.*interpolate/s);
    expect(() => `${o as unknown as string}`).toThrow(/not supported/);
  });

  it("toJSON() throws, so JSON.stringify of an Output fails loudly", () => {
    expect(() => JSON.stringify({ a: output(1) })).toThrow(/toJSON\(\) on an Output<T> is not supported/);
  });

  it("isInstance recognises Outputs only", () => {
    expect(Output.isInstance(output(1))).toBe(true);
    expect(Output.isInstance({ data: Promise.resolve() })).toBe(false);
    expect(Output.isInstance(null)).toBe(false);
  });
});
