import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkFailuresMessage, secretAt } from "../../../installer/engine/check-failures.js";
import { checkWith } from "../../../sdk/index.js";
import { Secret, revealMap, type PropertyMap } from "../../../sdk/internal.js";

const KEY = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSUPERSECRETKEYMATERIAL0123456789";

describe("check failures", () => {
  const schema = z.object({
    ca: z.object({ keyPem: z.string().startsWith("-----BEGIN", "keyPem must be a PEM private key") }),
    name: z.string().min(5, "name is too short"),
  }).strict();

  it("never show any part of a secret value, and keep showing plain ones", () => {
    const props: PropertyMap = { ca: { keyPem: new Secret(KEY) }, name: "abc" };
    const r = checkWith(schema, revealMap(props));
    const msg = checkFailuresMessage("drydock:pki:Authority", "ca", r.failures!, props);
    expect(msg).toContain("✖ keyPem must be a PEM private key → at ca.ca.keyPem");
    expect(msg).toContain('✖ name is too short (got "abc") → at ca.name');
    expect(msg).not.toContain(KEY.slice(0, 16));
  });

  it("a failure above a secret (the whole object) does not show it either", () => {
    const props: PropertyMap = { ca: { keyPem: new Secret(KEY), extra: 1 }, name: "abcdef" };
    const r = checkWith(schema, revealMap(props));
    const msg = checkFailuresMessage("t:t:T", "n", r.failures!, props);
    expect(msg).toMatch(/✖ .*→ at n\.ca/);
    expect(msg).not.toContain("(got");
    expect(msg).not.toContain(KEY.slice(0, 16));
  });

  it("secretAt finds secrets at, under and inside a path", () => {
    const props: PropertyMap = { a: { b: [1, new Secret({ c: "x" })] }, d: "plain" };
    expect(secretAt(props, "a")).toBe(true);
    expect(secretAt(props, "a.b[1]")).toBe(true);
    expect(secretAt(props, "a.b[1].c")).toBe(true);
    expect(secretAt(props, "a.b[0]")).toBe(false);
    expect(secretAt(props, "d")).toBe(false);
    expect(secretAt(props, "missing.x")).toBe(false);
  });
});
