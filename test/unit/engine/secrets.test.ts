import { describe, expect, it } from "vitest";
import { Crypter } from "../../../installer/engine/secrets.js";
import { DrydockError } from "../../../installer/engine/errors.js";

// scrypt is deliberately slow: derive each key once for the whole file.
const { salt, crypter } = Crypter.create("correct horse");

function flipOneByte(ciphertext: string, at: number): string {
  const [v, iv, data] = ciphertext.split(":");
  const bytes = Buffer.from(data!, "base64");
  bytes[at] = bytes[at]! ^ 0x01;
  return `${v}:${iv}:${bytes.toString("base64")}`;
}

describe("Crypter", () => {
  it("round trips text, including unicode and the empty string", () => {
    for (const text of ["hunter2", "", "ünïcödé ✓ 🔑", JSON.stringify({ a: [1, "x"] })]) {
      expect(crypter.decrypt(crypter.encrypt(text))).toBe(text);
    }
  });

  it("does not contain the plaintext and uses a fresh IV for each encryption", () => {
    const a = crypter.encrypt("hunter2");
    const b = crypter.encrypt("hunter2");
    expect(a).not.toContain("hunter2");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  it("opens with the right passphrase and decrypts what the creator encrypted", () => {
    const ct = crypter.encrypt("shared");
    const reopened = Crypter.open("correct horse", salt, "dev");
    expect(reopened.decrypt(ct)).toBe("shared");
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
    const ct = crypter.encrypt("the real secret");
    for (const at of [0, 5, 14]) {
      expect(() => crypter.decrypt(flipOneByte(ct, at))).toThrow();
    }
  });

  it("a tampered authentication tag fails", () => {
    const ct = crypter.encrypt("the real secret");
    const len = Buffer.from(ct.split(":")[2]!, "base64").length;
    expect(() => crypter.decrypt(flipOneByte(ct, len - 1))).toThrow();
  });

  it("a ciphertext from another stack's key fails", () => {
    const other = Crypter.create("correct horse").crypter; // same passphrase, different salt
    expect(() => other.decrypt(crypter.encrypt("mine"))).toThrow();
  });

  it("a malformed ciphertext is a DrydockError", () => {
    expect(() => crypter.decrypt("plaintext")).toThrow(DrydockError);
    expect(() => crypter.decrypt("plaintext")).toThrow(/malformed/);
  });
});
