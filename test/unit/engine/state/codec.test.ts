import { describe, expect, it } from "vitest";
import { CheckpointCodec } from "../../../../installer/engine/state/codec.js";
import { Crypter } from "../../../../installer/engine/secrets.js";
import { DrydockError } from "../../../../installer/engine/errors.js";
import type { Checkpoint } from "../../../../installer/engine/state/types.js";
import { Secret, isSecret, reveal, unknown, type PropertyMap } from "../../../../sdk/internal.js";

const { crypter } = Crypter.create("pw");

/** A crypter source that counts how often it is asked. */
function source() {
  let calls = 0;
  const get = () => {
    calls++;
    return crypter;
  };
  return { get, calls: () => calls };
}

function checkpoint(inputs: PropertyMap, outputs: PropertyMap = inputs, stackOutputs: PropertyMap = {}): Checkpoint {
  return {
    project: "proj",
    stack: "dev",
    resources: [{
      urn: "urn:drydock:dev::proj::t:t:T::a", type: "t:t:T", custom: true, id: "a",
      inputs, outputs, dependencies: ["urn:drydock:dev::proj::t:t:T::b"], protect: true,
    }],
    outputs: stackOutputs,
    pending: [{ op: "create", urn: "urn:drydock:dev::proj::t:t:T::c", type: "t:t:T", inputs: { k: new Secret("pending-secret") } }],
  };
}

describe("CheckpointCodec", () => {
  it("round trips a checkpoint, keeping Secret wrappers where they were", () => {
    const codec = new CheckpointCodec(source().get);
    const cp = checkpoint(
      { path: "a", pw: new Secret("hunter2"), nested: { list: [1, new Secret({ deep: true })] } },
      { pw: new Secret("hunter2"), n: null },
      { url: "http://x", token: new Secret("tok-123") },
    );
    const back = codec.decode(codec.encode(cp), "test");
    expect(back.project).toBe("proj");
    expect(back.stack).toBe("dev");
    const r = back.resources[0]!;
    expect(r).toMatchObject({ urn: cp.resources[0]!.urn, id: "a", protect: true, dependencies: cp.resources[0]!.dependencies });
    expect(isSecret(r.inputs.pw)).toBe(true);
    expect(isSecret((r.inputs.nested as { list: unknown[] }).list[1])).toBe(true);
    expect(reveal(r.inputs)).toEqual({ path: "a", pw: "hunter2", nested: { list: [1, { deep: true }] } });
    expect(reveal(r.outputs)).toEqual({ pw: "hunter2", n: null });
    expect(isSecret(back.outputs.token)).toBe(true);
    expect(reveal(back.outputs)).toEqual({ url: "http://x", token: "tok-123" });
    expect(isSecret(back.pending[0]!.inputs.k)).toBe(true);
    expect(back.pending[0]!.op).toBe("create");
  });

  it("keeps secret plaintext out of the encoded text", () => {
    const text = new CheckpointCodec(source().get).encode(
      checkpoint({ pw: new Secret("hunter2"), n: new Secret(31337) }, {}, { token: new Secret("tok-123") }),
    );
    expect(text).not.toMatch(/hunter2|31337|tok-123|pending-secret/);
    expect(text).toContain('"$secret"');
    expect(JSON.parse(text).version).toBe(1);
  });

  it("asks for the crypter only when there are secrets", () => {
    const src = source();
    const codec = new CheckpointCodec(src.get);
    const cp = { ...checkpoint({ a: 1 }), pending: [] };
    codec.decode(codec.encode(cp), "t");
    expect(src.calls()).toBe(0);
  });

  it("does not re-encrypt a secret it already encrypted or decrypted", () => {
    const codec = new CheckpointCodec(source().get);
    const cp = checkpoint({ pw: new Secret("hunter2") });
    const first = codec.encode(cp);
    expect(codec.encode(cp)).toBe(first);
    const back = codec.decode(first, "t");
    expect(codec.encode(back)).toBe(first);
  });

  it("masked decodes every secret as [secret] without a crypter", () => {
    const text = new CheckpointCodec(source().get).encode(checkpoint({ pw: new Secret("hunter2"), plain: "p" }));
    const back = new CheckpointCodec(CheckpointCodec.masked).decode(text, "t");
    const pw = back.resources[0]!.inputs.pw;
    expect(isSecret(pw)).toBe(true);
    expect(reveal(pw!)).toBe("[secret]");
    expect(back.resources[0]!.inputs.plain).toBe("p");
  });

  it("a masked codec refuses to write secrets", () => {
    const codec = new CheckpointCodec(CheckpointCodec.masked);
    expect(() => codec.encode(checkpoint({ pw: new Secret("x") }))).toThrow(/masked checkpoint cannot be written/);
  });

  it("refuses to write an unknown value", () => {
    const codec = new CheckpointCodec(source().get);
    expect(() => codec.encode(checkpoint({ ip: unknown }))).toThrow(/unknown value reached the state file/);
  });

  it("rejects text that is not JSON, naming the file", () => {
    const codec = new CheckpointCodec(source().get);
    expect(() => codec.decode("{nope", "/s/dev.json")).toThrow(DrydockError);
    expect(() => codec.decode("{nope", "/s/dev.json")).toThrow(/state file \/s\/dev\.json is not valid JSON/);
  });

  it("rejects another format version", () => {
    const codec = new CheckpointCodec(source().get);
    expect(() => codec.decode(JSON.stringify({ version: 2, resources: [] }), "f")).toThrow(/format version 2; this drydock reads version 1/);
  });

  it("a secret encrypted under another key fails to decode", () => {
    const text = new CheckpointCodec(source().get).encode(checkpoint({ pw: new Secret("x") }));
    const other = Crypter.create("pw").crypter;
    expect(() => new CheckpointCodec(() => other).decode(text, "t")).toThrow();
  });

  it("round trips a plain object whose only key is $secret", () => {
    // Guards a fixed bug: encodeValue wrote { $secret: "..." } verbatim, and decodeValue then took it for a secret.
    const codec = new CheckpointCodec(source().get);
    const back = codec.decode(codec.encode(checkpoint({ odd: { $secret: "not encrypted" } })), "t");
    expect(back.resources[0]!.inputs.odd).toEqual({ $secret: "not encrypted" });
  });
});
