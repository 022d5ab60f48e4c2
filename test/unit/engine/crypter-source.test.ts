import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StackCrypter } from "../../../installer/engine/crypter-source.js";
import { Crypter } from "../../../installer/engine/secrets.js";
import type { Project } from "../../../installer/engine/project.js";

function project(): Project {
  const dir = mkdtempSync(join(tmpdir(), "dd-crypter-"));
  writeFileSync(join(dir, "drydock.dev.yaml"), "config: {}\n");
  return { name: "proj", dir, main: "index.ts", providers: {} } as unknown as Project;
}

describe("StackCrypter: one key derivation per command", () => {
  it("the apply pass opens the stack with the key its plan derived, without deriving it again", () => {
    const { salt } = Crypter.create("right");
    const plan = new StackCrypter(project(), "dev", { config: {}, encryptionsalt: salt }, "right");
    const ct = plan.get().encrypt("s3cret", "here");
    const key = plan.derived()!;
    expect(key.salt).toBe(salt);
    // Only a pass that did not derive again can open the stack with a passphrase that cannot derive the key.
    const apply = new StackCrypter(project(), "dev", { config: {}, encryptionsalt: salt }, "not-the-passphrase", key);
    expect(apply.get().decrypt(ct, "here")).toBe("s3cret");
  });

  it("a key for another salt is not used: the passphrase is checked as always", () => {
    const other = new StackCrypter(project(), "dev", { config: {} }, "right");
    other.get();
    const { salt } = Crypter.create("right");
    const apply = new StackCrypter(project(), "dev", { config: {}, encryptionsalt: salt }, "wrong", other.derived());
    expect(() => apply.get()).toThrow(/incorrect passphrase for stack "dev"/);
  });

  it("a key whose salt the plan made is adopted by the apply pass, which saves that salt", async () => {
    const p = project();
    const plan = new StackCrypter(p, "dev", { config: {} }, "right");
    plan.get();
    const key = plan.derived()!;
    const apply = new StackCrypter(p, "dev", { config: {} }, "right", key);
    apply.get();
    await apply.saveIfCreated();
    expect(readFileSync(join(p.dir, "drydock.dev.yaml"), "utf8")).toContain(`encryptionsalt: ${key.salt}`);
  });
});
