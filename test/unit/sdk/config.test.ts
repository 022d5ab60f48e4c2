import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Config, ConfigError } from "../../../sdk/index.js";
import { setRuntime, type ConfigValue } from "../../../sdk/internal.js";
import { installFakeRuntime } from "./fake-runtime.js";

afterEach(() => setRuntime(undefined));

const plain = (value: unknown): ConfigValue => ({ value, secret: false });

function config(values: Record<string, ConfigValue>, name?: string): Config {
  installFakeRuntime({ project: "web", config: values });
  return new Config(name);
}

describe("Config namespaces", () => {
  it("defaults to the project's namespace", () => {
    const c = config({ "web:region": plain("eu"), "other:region": plain("us") });
    expect(c.name).toBe("web");
    expect(c.get("region")).toBe("eu");
  });

  it("reads another namespace by name or by a full key", () => {
    const c = config({ "other:region": plain("us") }, "other");
    expect(c.get("region")).toBe("us");
    expect(config({ "aws:region": plain("ap") }).get("aws:region")).toBe("ap");
  });

  it("needs a runtime", () => {
    expect(() => new Config()).toThrow(/needs a running drydock program/);
  });
});

describe("get and require", () => {
  it("get returns undefined for a missing key and JSON for a structured value", () => {
    const c = config({ "web:list": plain([1, "a"]) });
    expect(c.get("nope")).toBeUndefined();
    expect(c.get("list")).toBe('[1,"a"]');
  });

  it("require names the key and the command that sets it", () => {
    const c = config({});
    expect(() => c.require("domain")).toThrow(ConfigError);
    expect(() => c.require("domain")).toThrow('missing required config "web:domain": set it with `drydock config set domain <value>`');
  });

  it("require keeps the namespace in the command for a foreign key", () => {
    const c = config({});
    expect(() => c.require("aws:region")).toThrow("`drydock config set aws:region <value>`");
  });

  it("reading a secret with get() throws, pointing at getSecret", () => {
    const c = config({ "web:token": { value: "s3cret", secret: true } });
    expect(() => c.get("token")).toThrow(/"web:token" is a secret: read it with getSecret\(\)/);
    expect(() => c.require("token")).toThrow(ConfigError);
    expect(() => c.getNumber("token")).toThrow(/is a secret/);
  });
});

describe("numbers", () => {
  it("accepts numbers and numeric strings", () => {
    const c = config({ "web:a": plain(3), "web:b": plain("2.5"), "web:c": plain("-7") });
    expect(c.getNumber("a")).toBe(3);
    expect(c.getNumber("b")).toBe(2.5);
    expect(c.requireNumber("c")).toBe(-7);
    expect(c.getNumber("missing")).toBeUndefined();
  });

  it("a bad number names the key and the value", () => {
    const c = config({ "web:n": plain("lots"), "web:e": plain(""), "web:t": plain(true) });
    expect(() => c.getNumber("n")).toThrow('config "web:n" must be a number (got "lots")');
    expect(() => c.getNumber("e")).toThrow(/"web:e" must be a number \(got ""\)/);
    expect(() => c.getNumber("t")).toThrow(/"web:t" must be a number \(got true\)/);
  });

  it("a blank string is not a number", () => {
    // Guards a fixed bug: getNumber rejected "" but Number("  ") is 0, so whitespace read as 0.
    const c = config({ "web:n": plain("  ") });
    expect(() => c.getNumber("n")).toThrow(/must be a number/);
  });

  it("requireNumber on a missing key says how to set it", () => {
    expect(() => config({}).requireNumber("replicas")).toThrow(/missing required config "web:replicas".*drydock config set replicas/);
  });
});

describe("booleans", () => {
  it("accepts true/false as booleans or strings", () => {
    const c = config({ "web:a": plain(true), "web:b": plain("false"), "web:c": plain("true") });
    expect(c.getBoolean("a")).toBe(true);
    expect(c.getBoolean("b")).toBe(false);
    expect(c.requireBoolean("c")).toBe(true);
    expect(c.getBoolean("missing")).toBeUndefined();
  });

  it("a bad boolean names the key and the value", () => {
    const c = config({ "web:flag": plain("yes") });
    expect(() => c.getBoolean("flag")).toThrow('config "web:flag" must be true or false (got "yes")');
  });
});

describe("objects", () => {
  const schema = z.object({ replicas: z.number().int(), zone: z.string() });

  it("parses a structured value or a JSON string against a schema", () => {
    const c = config({
      "web:a": plain({ replicas: 2, zone: "a" }),
      "web:b": plain('{"replicas":3,"zone":"b"}'),
    });
    expect(c.getObject("a", schema)).toEqual({ replicas: 2, zone: "a" });
    expect(c.requireObject("b", schema)).toEqual({ replicas: 3, zone: "b" });
    expect(c.getObject("missing", schema)).toBeUndefined();
  });

  it("returns the raw value without a schema", () => {
    expect(config({ "web:a": plain("[1,2]") }).getObject("a")).toEqual([1, 2]);
    expect(config({ "web:a": plain("not json") }).getObject("a")).toBe("not json");
  });

  it("an invalid value names the key and each bad field", () => {
    const c = config({ "web:a": plain({ replicas: 1.5, zone: 7 }) });
    let err: unknown;
    try {
      c.getObject("a", schema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^config "web:a" is invalid:/);
    expect(msg).toContain("web:a.replicas");
    expect(msg).toContain("web:a.zone");
  });

  it("requireObject on a missing key says how to set it", () => {
    expect(() => config({}).requireObject("tags")).toThrow(/drydock config set tags/);
  });
});

describe("secrets", () => {
  it("getSecret returns a secret Output of the value", async () => {
    const c = config({ "web:token": { value: "s3cret", secret: true }, "web:obj": { value: { a: 1 }, secret: true } });
    const d = await c.getSecret("token")!.data;
    expect(d).toMatchObject({ value: "s3cret", known: true, secret: true });
    expect((await c.requireSecret("obj").data).value).toBe('{"a":1}');
  });

  it("getSecret on a plain value still makes it secret", async () => {
    const d = await config({ "web:p": plain("x") }).getSecret("p")!.data;
    expect(d.secret).toBe(true);
  });

  it("requireSecret on a missing key suggests --secret", () => {
    const c = config({});
    expect(c.getSecret("pw")).toBeUndefined();
    expect(() => c.requireSecret("pw")).toThrow("`drydock config set pw --secret`");
  });
});
