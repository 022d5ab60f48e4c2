import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readBackup, snapshotOf, writeBackup } from "../../../installer/backup/archive.js";
import { snapshotProblem } from "../../../installer/backup/snapshot.js";
import { fetchArtifact } from "../../../installer/artifacts/fetch.js";
import { execa } from "execa";

const dir = mkdtempSync(join(tmpdir(), "drydock-backup-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function snapshot(fill: number): Buffer {
  const body = Buffer.alloc(1024, fill);
  return Buffer.concat([body, createHash("sha256").update(body).digest()]);
}

const contents = (clusters: string[]) => ({
  project: "p", stack: "dev", createdAt: "2026-01-01T00:00:00Z", drydockVersion: "0.1.0",
  etcd: clusters.map((c) => ({ urn: `urn:${c}`, clusterName: c, file: `etcd/${c}.db`, members: ["m1"], takenFrom: "m1" })),
});

describe("etcd snapshot integrity", () => {
  it("accepts etcd's trailing sha256 and names a corrupted or truncated file", () => {
    const s = snapshot(1);
    expect(snapshotProblem(s)).toBeUndefined();
    const bad = Buffer.from(s);
    bad[10] = bad[10]! ^ 1;
    expect(snapshotProblem(bad)).toMatch(/integrity hash does not match/);
    expect(snapshotProblem(s.subarray(0, 1000))).toMatch(/not an etcd snapshot/);
  });
});

describe("backup archives", () => {
  it("round-trips: written 0600, read back checked, the named snapshot found", async () => {
    const f = join(dir, "ok.tar");
    await writeBackup(f, contents(["a", "b"]), { "etcd/a.db": snapshot(1), "etcd/b.db": snapshot(2), "state.json": Buffer.from("{}") });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const b = await readBackup(f);
    expect(b.manifest.files["etcd/a.db"]!.sha256).toBe(sha(snapshot(1)));
    expect(snapshotOf(b, f, "b").snapshot.equals(snapshot(2))).toBe(true);
    expect(() => snapshotOf(b, f)).toThrow(/2 etcd snapshots \(a, b\): say which with restoreFrom.cluster/);
    expect(() => snapshotOf(b, f, "zz")).toThrow(/no etcd snapshot of cluster "zz" \(it has: a, b\)/);
  });

  it("names every file whose checksum fails, and refuses what is not a backup", async () => {
    const f = join(dir, "bad.tar");
    await writeBackup(f, contents(["a"]), { "etcd/a.db": snapshot(1), "state.json": Buffer.from('{"x":1}') });
    const x = join(dir, "x");
    await execa("mkdir", ["-p", x]);
    await execa("tar", ["-xf", f, "-C", x]);
    writeFileSync(join(x, "state.json"), '{"x":2}');
    await execa("tar", ["-cf", f, "-C", x, "."]);
    await expect(readBackup(f)).rejects.toThrow(/state\.json: sha256 mismatch: manifest says [0-9a-f]{64}, file has [0-9a-f]{64}/);
    writeFileSync(join(dir, "junk.tar"), "not a tar at all");
    await expect(readBackup(join(dir, "junk.tar"))).rejects.toThrow(/not a readable backup archive/);
  });
});

describe("artifacts", () => {
  const cache = join(dir, "cache");

  it("fetches file:// once, checks its sha256, and extracts a member of a .tar.gz", async () => {
    const src = join(dir, "tool");
    writeFileSync(src, "#!/bin/sh\necho hi\n");
    const want = sha(readFileSync(src));
    const b = await fetchArtifact({ name: "tool", version: "1", url: `file://${src}`, sha256: want }, undefined, cache);
    expect(b.toString()).toContain("echo hi");
    expect(readFileSync(join(cache, want, "tool")).equals(b)).toBe(true);

    await execa("tar", ["-czf", join(dir, "rel.tar.gz"), "-C", dir, "tool"]);
    const tgz = sha(readFileSync(join(dir, "rel.tar.gz")));
    const m = await fetchArtifact({ name: "rel", version: "1", url: `file://${join(dir, "rel.tar.gz")}`, sha256: tgz, path: "tool" }, undefined, cache);
    expect(m.equals(b)).toBe(true);
  });

  it("refuses a wrong sha256 and caches nothing", async () => {
    const src = join(dir, "other");
    writeFileSync(src, "other");
    const a = { name: "other", version: "1", url: `file://${src}`, sha256: "0".repeat(64) };
    await expect(fetchArtifact(a, undefined, cache)).rejects.toThrow(/artifact other 1 \(file:\/\/.*\): sha256 mismatch: expected 0{64}, got [0-9a-f]{64}; nothing was uploaded/);
    expect(() => statSync(join(cache, "0".repeat(64), "other"))).toThrow();
  });
});
