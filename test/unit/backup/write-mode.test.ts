/** A backup archive holds an unencrypted etcd snapshot: it must never exist, not even half-written, readable by others. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBackup } from "../../../installer/backup/archive.js";

const dir = mkdtempSync(join(tmpdir(), "drydock-backup-mode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("backup archive mode", () => {
  it("is 0600 from the moment its temporary file is created, while tar writes it", async () => {
    const out = join(dir, "out");
    mkdirSync(out);
    const seen = new Map<string, Set<string>>();
    const sample = (): void => {
      for (const f of readdirSync(out)) {
        try {
          const mode = (statSync(join(out, f)).mode & 0o777).toString(8);
          seen.set(f, (seen.get(f) ?? new Set()).add(mode));
        } catch { /* renamed away between readdir and stat */ }
      }
    };
    // inotify reports the temporary file's creation at once, before tar has written much of 64 MiB.
    const w = watch(out, sample);
    const poll = setInterval(sample, 1);
    try {
      await writeBackup(join(out, "b.tar"), { project: "p", stack: "s", createdAt: "x", drydockVersion: "0", etcd: [] }, { "big.bin": Buffer.alloc(64 << 20, 7) });
    } finally {
      w.close();
      clearInterval(poll);
    }
    sample();
    const tmp = [...seen].filter(([f]) => f.endsWith(".backup.tmp"));
    expect(tmp.length, "the temporary file was observed while it was written").toBeGreaterThan(0);
    expect(Object.fromEntries([...seen].map(([f, m]) => [f.replace(/^\.[0-9a-f]+\./, ".<tmp>."), [...m]]))).toEqual({ ".<tmp>.backup.tmp": ["600"], "b.tar": ["600"] });
  }, 60_000);
});
