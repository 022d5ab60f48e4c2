/** The backup reader (behind `backup verify` and `restoreFrom`) refuses every member that is not a regular file or directory inside the archive. */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackup } from "../../../installer/backup/archive.js";
import { hostileArchives, outsideSha, type Hostile } from "./hostile-archives.js";

let built: Awaited<ReturnType<typeof hostileArchives>>;
beforeAll(async () => {
  built = await hostileArchives();
  for (const s of built.skipped) console.log(`skipped: ${s}`);
});
afterAll(() => rmSync(built.root, { recursive: true, force: true }));

const cases = ["symlink", "symlink-wrong-sum", "hardlink", "fifo", "device", "absolute", "dotdot"];

describe("backup reader: members that could reach outside the archive", () => {
  it.each(cases)("refuses a %s member, naming it and its type, with no hash of anything outside", async (name) => {
    const a = built.archives.find((x: Hostile) => x.name === name);
    if (!a) return console.log(`skipped ${name}: ${built.skipped.join("; ")}`);
    const err = await readBackup(a.file).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/backup verification failed/);
    expect(err?.message).toMatch(a.expect);
    expect(err?.message).not.toContain(outsideSha());
  }, 10_000);
});
