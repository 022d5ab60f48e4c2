/** `drydock backup verify` through the real CLI: an archive that points outside itself fails, names the member, and leaks no hash. */
import { rmSync } from "node:fs";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./cli.js";
import { hostileArchives, outsideSha } from "../unit/backup/hostile-archives.js";

let built: Awaited<ReturnType<typeof hostileArchives>>;
beforeAll(async () => {
  built = await hostileArchives();
  for (const s of built.skipped) console.log(`skipped: ${s}`);
});
afterAll(() => rmSync(built.root, { recursive: true, force: true }));

describe("drydock backup verify", () => {
  it("exits 1 on every hostile archive, naming the member and its type, with no sha256 of anything outside", async () => {
    expect(built.archives.length).toBeGreaterThanOrEqual(6);
    for (const a of built.archives) {
      const r = await execa(process.execPath, [BIN, "backup", "verify", a.file], { reject: false, stdin: "ignore", timeout: 30_000 });
      const all = `${r.stdout}\n${r.stderr}`;
      expect(r.exitCode, `${a.name}: ${all}`).toBe(1);
      expect(all, a.name).toMatch(a.expect);
      expect(all, a.name).not.toContain(outsideSha());
      expect(all, a.name).not.toMatch(/OK —|✔/);
    }
  }, 120_000);
});
