import { readFileSync } from "node:fs";
import { join } from "node:path";
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
    expect(JSON.parse(text).version).toBe(2);
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
    expect(() => codec.decode(JSON.stringify({ version: 3, resources: [] }), "f")).toThrow(/format version 3; this drydock reads versions 1 and 2/);
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

  it("a ciphertext moved to another property fails to decode, naming the place it was read for", () => {
    const text = new CheckpointCodec(source().get).encode(checkpoint({ a: new Secret("value-of-a"), b: new Secret("value-of-b") }, {}));
    const doc = JSON.parse(text);
    doc.resources[0].inputs.b = doc.resources[0].inputs.a;
    expect(() => new CheckpointCodec(source().get).decode(JSON.stringify(doc), "t")).toThrow(
      /the secret at urn:drydock:dev::proj::t:t:T::a inputs b cannot be decrypted: it was encrypted for another place/,
    );
  });

  it("a ciphertext moved to another resource fails to decode", () => {
    const cp = checkpoint({ a: new Secret("value-of-a") }, {});
    const two = { ...cp, resources: [cp.resources[0]!, { ...cp.resources[0]!, urn: "urn:drydock:dev::proj::t:t:T::z", id: "z" }] };
    const doc = JSON.parse(new CheckpointCodec(source().get).encode(two));
    doc.resources[1].inputs.a = doc.resources[0].inputs.a;
    expect(() => new CheckpointCodec(source().get).decode(JSON.stringify(doc), "t")).toThrow(/T::z inputs a cannot be decrypted/);
  });
});

describe("CheckpointCodec: a long output equal to its input is stored once", () => {
  const big = "x".repeat(8192);

  it("writes a file's content once, and reads it back in both places, secret where it was", () => {
    const codec = new CheckpointCodec(source().get);
    const secretBig = new Secret(`k${big}`);
    const cp = checkpoint({ content: big, key: secretBig, short: "s" }, { content: big, key: secretBig, short: "s", sha256: "ab" });
    const text = codec.encode(cp);
    expect(text.split(big).length - 1).toBe(1);
    const doc = JSON.parse(text);
    expect(doc.resources[0].outputs.content).toEqual({ $input: "content" });
    expect(doc.resources[0].outputs.key).toEqual({ $input: "key" });
    expect(doc.resources[0].outputs.short).toBe("s"); // short values stay readable where they are
    const back = new CheckpointCodec(source().get).decode(text, "t").resources[0]!;
    expect(back.outputs.content).toBe(big);
    expect(isSecret(back.outputs.key) && back.outputs.key.value).toBe(`k${big}`);
    expect(Object.keys(back.outputs)).toEqual(["content", "key", "short", "sha256"]);
  });

  it("an object holding a secret (a kubeconfig in an access setting) equal to its input is stored and encrypted once", () => {
    const access = () => ({ kubeconfig: new Secret("apiVersion: v1\nkind: Config\n"), context: "c" });
    const codec = new CheckpointCodec(source().get);
    const text = codec.encode(checkpoint({ access: access() }, { access: access(), uid: "u" }));
    const doc = JSON.parse(text);
    expect(doc.resources[0].outputs.access).toEqual({ $input: "access" });
    const back = new CheckpointCodec(source().get).decode(text, "t").resources[0]!;
    expect(isSecret((back.outputs.access as { kubeconfig: unknown }).kubeconfig)).toBe(true);
    expect(reveal(back.outputs.access!)).toEqual({ kubeconfig: "apiVersion: v1\nkind: Config\n", context: "c" });
    // The same value with the secret elsewhere (or none) is stored in full.
    const other = JSON.parse(codec.encode(checkpoint({ access: access() }, { access: { kubeconfig: "apiVersion: v1\nkind: Config\n", context: "c" } })));
    expect(other.resources[0].outputs.access.kubeconfig).toBe("apiVersion: v1\nkind: Config\n");
  });

  it("keeps an output that differs from its input, or differs in secretness, in full", () => {
    const text = new CheckpointCodec(source().get).encode(checkpoint({ a: big, b: big }, { a: `${big}!`, b: new Secret(big) }));
    const outputs = JSON.parse(text).resources[0].outputs;
    expect(outputs.a).toBe(`${big}!`);
    expect(outputs.b.$secret).toEqual(expect.any(String));
  });

  it("a program's own { $input } value round trips as itself, and a reference to a missing input is damage", () => {
    const codec = new CheckpointCodec(source().get);
    const odd = { $input: "content" };
    const back = codec.decode(codec.encode(checkpoint({ x: 1 }, { content: odd, nested: { v: odd } })), "t");
    expect(back.resources[0]!.outputs).toEqual({ content: odd, nested: { v: odd } });
    const named = { $secret: "plain", content: big };
    expect(codec.decode(codec.encode(checkpoint({ content: big }, named)), "t").resources[0]!.outputs).toEqual(named);
    const doc = JSON.parse(codec.encode(checkpoint({ content: big }, { content: big })));
    delete doc.resources[0].inputs.content;
    expect(() => codec.decode(JSON.stringify(doc), "t")).toThrow(/output content refers to input "content", which it does not have/);
  });
});

describe("CheckpointCodec migration from format 1", () => {
  // Written by the drydock before ciphertexts were bound (format 1, salt v1), including credentials it stored in plain.
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/state-v1.json"), "utf8")) as { salt: string; state: unknown };
  const old = Crypter.open("fixture passphrase", fixture.salt, "dev");
  const text = JSON.stringify(fixture.state);

  it("reads a format 1 file, and its plain credentials come back secret", () => {
    const cp = new CheckpointCodec(() => old).decode(text, "v1.json");
    const [cmd, leaked] = cp.resources;
    expect(reveal(cmd!.inputs)).toMatchObject({ connection: { privateKey: "v1-fixture-private-key-material", user: "root" } });
    expect(reveal(cmd!.outputs)).toEqual({ stdout: "ok", token: "v1-fixture-token-value" });
    const lc = leaked!.inputs.connection as Record<string, unknown>;
    expect(isSecret(lc.privateKey)).toBe(true);
    expect(isSecret((lc.sudo as Record<string, unknown>).password)).toBe(true);
    expect(lc.user).toBe("root");
    expect(reveal(cp.outputs)).toEqual({ secretOut: "v1-fixture-stack-output" });
    expect(reveal(cp.pending[0]!.inputs)).toEqual({ password: "v1-fixture-pending-pw" });
  });

  it("writes it back as format 2: every ciphertext bound, no credential in plain, and it reads back the same", () => {
    const codec = new CheckpointCodec(() => old);
    const cp = codec.decode(text, "v1.json");
    const written = codec.encode(cp);
    const doc = JSON.parse(written);
    expect(doc.version).toBe(2);
    expect(written).not.toMatch(/v1-plain-leaked-private-key|v1-plain-sudo-password|v1-fixture/);
    const cts = [...written.matchAll(/"\$secret": "([^"]+)"/g)].map((m) => m[1]!);
    expect(cts).toHaveLength(6);
    for (const ct of cts) expect(ct).toMatch(/^v2:/);
    const again = new CheckpointCodec(() => Crypter.open("fixture passphrase", fixture.salt, "dev")).decode(written, "v2.json");
    expect(reveal(again.resources[1]!.inputs)).toEqual(reveal(cp.resources[1]!.inputs));
    expect(reveal(again.outputs)).toEqual({ secretOut: "v1-fixture-stack-output" });
  });
});

describe("CheckpointCodec: writing again", () => {
  it("writes what JSON.stringify(…, null, 1) would, and a replaced resource's new content (texts are kept per state object)", () => {
    const codec = new CheckpointCodec(source().get);
    const cp = checkpoint({ path: "a", pw: new Secret("hunter2") });
    const first = codec.encode(cp);
    expect(first).toBe(`${JSON.stringify(JSON.parse(first), null, 1)}\n`);
    const empty = codec.encode({ ...cp, resources: [], pending: [] });
    expect(empty).toBe(`${JSON.stringify(JSON.parse(empty), null, 1)}\n`);
    const changed = { ...cp, resources: [{ ...cp.resources[0]!, inputs: { path: "b", pw: new Secret("hunter3") } }, ...cp.resources.slice(1)] };
    const back = new CheckpointCodec(source().get).decode(codec.encode(changed), "t");
    expect(reveal(back.resources[0]!.inputs)).toEqual({ path: "b", pw: "hunter3" });
    expect(codec.encode(cp)).toBe(first);
  });
});
