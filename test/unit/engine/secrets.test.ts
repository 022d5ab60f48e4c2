import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Crypter } from "../../../installer/engine/secrets.js";
import { DrydockError } from "../../../installer/engine/errors.js";

// scrypt is deliberately slow: derive each key once for the whole file.
const { salt, crypter } = Crypter.create("correct horse");
/** The place a test ciphertext is bound to. */
const W = "urn:drydock:dev::proj::t:t:T::a inputs pw";

function flipOneByte(ciphertext: string, at: number): string {
  const [v, iv, data] = ciphertext.split(":");
  const bytes = Buffer.from(data!, "base64");
  bytes[at] = bytes[at]! ^ 0x01;
  return `${v}:${iv}:${bytes.toString("base64")}`;
}

describe("Crypter", () => {
  it("round trips text, including unicode and the empty string", () => {
    for (const text of ["hunter2", "", "ünïcödé ✓ 🔑", JSON.stringify({ a: [1, "x"] })]) {
      expect(crypter.decrypt(crypter.encrypt(text, W), W)).toBe(text);
    }
  });

  it("does not contain the plaintext and uses a fresh IV for each encryption", () => {
    const a = crypter.encrypt("hunter2", W);
    const b = crypter.encrypt("hunter2", W);
    expect(a).not.toContain("hunter2");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v2:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  it("opens with the right passphrase and decrypts what the creator encrypted", () => {
    const ct = crypter.encrypt("shared", W);
    const reopened = Crypter.open("correct horse", salt, "dev");
    expect(reopened.decrypt(ct, W)).toBe("shared");
  });

  it("a wrong passphrase is a DrydockError saying incorrect passphrase", () => {
    let err: unknown;
    try {
      Crypter.open("wrong horse", salt, "dev");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).message).toMatch(/incorrect passphrase for stack "dev"/);
    expect((err as DrydockError).kind).toBe("input");
  });

  it("a malformed salt string is a clear input error", () => {
    expect(() => Crypter.open("x", "nonsense", "dev")).toThrow(/encryptionsalt "nonsense" is malformed/);
  });

  it("a tampered ciphertext fails instead of returning garbage", () => {
    const ct = crypter.encrypt("the real secret", W);
    for (const at of [0, 5, 14]) {
      expect(() => crypter.decrypt(flipOneByte(ct, at), W)).toThrow();
    }
  });

  it("a tampered authentication tag fails", () => {
    const ct = crypter.encrypt("the real secret", W);
    const len = Buffer.from(ct.split(":")[2]!, "base64").length;
    expect(() => crypter.decrypt(flipOneByte(ct, len - 1), W)).toThrow();
  });

  it("a ciphertext from another stack's key fails", () => {
    const other = Crypter.create("correct horse").crypter; // same passphrase, different salt
    expect(() => other.decrypt(crypter.encrypt("mine", W), W)).toThrow();
  });

  it("a malformed ciphertext is a DrydockError", () => {
    expect(() => crypter.decrypt("plaintext", W)).toThrow(DrydockError);
    expect(() => crypter.decrypt("plaintext", W)).toThrow(/malformed/);
  });

  it("a new stack's salt names the stronger KDF (scrypt N=2^17)", () => {
    expect(salt).toMatch(/^v2:/);
  });

  it("a ciphertext is bound to its place: decrypting it for another place fails with a clear error", () => {
    const ct = crypter.encrypt("bound secret", W);
    expect(crypter.decrypt(ct, W)).toBe("bound secret");
    expect(() => crypter.decrypt(ct, "urn:drydock:dev::proj::t:t:T::b inputs pw")).toThrow(
      /the secret at urn:drydock:dev::proj::t:t:T::b inputs pw cannot be decrypted: it was encrypted for another place/,
    );
  });

  it("an existing stack's v1 salt (scrypt N=2^15) and its unbound v1 ciphertexts still open", () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "state/fixtures/state-v1.json"), "utf8")) as {
      salt: string; state: { outputs: { secretOut: { $secret: string } } };
    };
    expect(fixture.salt).toMatch(/^v1:/);
    const old = Crypter.open("fixture passphrase", fixture.salt, "dev");
    expect(old.decrypt(fixture.state.outputs.secretOut.$secret, "anywhere")).toBe(JSON.stringify("v1-fixture-stack-output"));
    expect(() => Crypter.open("wrong passphrase", fixture.salt, "dev")).toThrow(/incorrect passphrase/);
  });
});
