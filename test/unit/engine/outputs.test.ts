import { describe, expect, it } from "vitest";
import { Secret, type PropertyMap } from "../../../sdk/internal.js";
import { markSecretOutputs, rewrapLike } from "../../../installer/engine/outputs.js";

const conn = { host: "10.0.0.5", user: "root", privateKey: "KEY", jump: { host: "bastion", password: "PW" } };

describe("secret outputs", () => {
  it("wraps only the named leaves of a secret computed output, at any depth", () => {
    const inputs: PropertyMap = { address: "10.0.0.5", privateKey: new Secret("KEY") };
    const out = markSecretOutputs({ connection: conn, facts: { os: "Debian" } }, inputs, [], {
      secretOutputs: ["connection"], secretLeaves: ["privateKey", "password"],
    });
    expect(out.connection).toEqual({
      host: "10.0.0.5", user: "root", privateKey: new Secret("KEY"), jump: { host: "bastion", password: new Secret("PW") },
    });
    expect(out.facts).toEqual({ os: "Debian" });
  });

  it("without declarations, every computed output of a resource with a secret input is wholly secret", () => {
    const out = markSecretOutputs({ stdout: "hi" }, { create: new Secret("echo hi") });
    expect(out.stdout).toEqual(new Secret("hi"));
  });

  it("asks a declaring function which outputs follow the secret inputs", () => {
    const by = (s: readonly string[]) => (s.includes("create") ? ["stdout"] : []);
    expect(markSecretOutputs({ stdout: "x" }, { connection: { k: new Secret("K") } }, [], { secretOutputs: by }).stdout).toBe("x");
    expect(markSecretOutputs({ stdout: "x" }, { create: new Secret("c") }, [], { secretOutputs: by }).stdout).toEqual(new Secret("x"));
  });

  it("an output named like an input keeps the input's secrets where they were", () => {
    const inputs: PropertyMap = { connection: { host: "h", privateKey: new Secret("K") }, token: new Secret("T") };
    const out = markSecretOutputs({ connection: { host: "h", privateKey: "K" }, token: "T" }, inputs);
    expect(out.connection).toEqual({ host: "h", privateKey: new Secret("K") });
    expect(out.token).toEqual(new Secret("T"));
    // A changed shape cannot be matched key by key: it stays whole and secret.
    expect(rewrapLike({ connection: "flattened" }, inputs).connection).toEqual(new Secret("flattened"));
  });
});
