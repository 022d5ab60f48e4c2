import { describe, expect, it } from "vitest";
import { startDerivation, takeDerived, type SharedKey } from "../../../installer/engine/key-share.js";
import { Crypter } from "../../../installer/engine/secrets.js";

/** Waits (without blocking this thread, which derives) until the derivation has settled. */
async function settled(k: SharedKey): Promise<void> {
  const status = new Int32Array(k.cell, 0, 1);
  while (Atomics.load(status, 0) === 0) await new Promise((r) => setTimeout(r, 20));
}

describe("the stack key derived ahead", () => {
  const { salt } = Crypter.create("right passphrase");

  it("is the key the passphrase opens the stack with", async () => {
    const k = startDerivation("right passphrase", salt);
    await settled(k);
    const got = takeDerived(k);
    expect(got?.salt).toBe(salt);
    const c = Crypter.withKey(got!.key, salt, "dev");
    expect(c.decrypt(Crypter.open("right passphrase", salt, "dev").encrypt("x", "here"), "here")).toBe("x");
  });

  it("from a wrong passphrase is refused when used, as a derivation in the pass would be", async () => {
    const k = startDerivation("wrong passphrase", salt);
    await settled(k);
    expect(() => Crypter.withKey(takeDerived(k)!.key, salt, "dev")).toThrow('incorrect passphrase for stack "dev"');
  });

  it("is not there when the salt cannot be used: the pass derives it itself and says what is wrong", async () => {
    const k = startDerivation("right passphrase", "not a salt");
    await settled(k);
    expect(takeDerived(k)).toBeUndefined();
  });
});
