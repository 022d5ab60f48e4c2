/** The backup reader (behind `backup verify` and `restoreFrom`) refuses every member that is not a regular file or directory inside the archive. */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackup } from "../../../installer/backup/archive.js";
import { bootstrapProvider } from "../../../installer/providers/etcd/bootstrap.js";
import { hostileArchives, outsideSha, sha, type Hostile } from "./hostile-archives.js";

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

describe("restoreFrom", () => {
  it("the etcd.Cluster check refuses a backup whose snapshot is a symlink to a valid snapshot outside it", async () => {
    // A well-formed etcd snapshot (sha256 of the body appended), but outside the archive.
    const body = Buffer.alloc(1024, 5);
    const outside = join(built.root, "outside.db");
    writeFileSync(outside, Buffer.concat([body, createHash("sha256").update(body).digest()]));
    const d = join(built.root, "restore");
    mkdirSync(join(d, "etcd"), { recursive: true });
    symlinkSync(outside, join(d, "etcd", "main.db"));
    writeFileSync(join(d, "manifest.json"), JSON.stringify({
      format: "drydock-backup/1", project: "p", stack: "dev", createdAt: "x", drydockVersion: "0.1.0",
      files: { "etcd/main.db": { sha256: sha(readFileSync(outside)), size: 1056 } },
      etcd: [{ urn: "urn:x", clusterName: "main", file: "etcd/main.db", members: ["a"], takenFrom: "a" }],
    }));
    const file = join(built.root, "restore.tar");
    await execa("tar", ["-cf", file, "-C", d, "manifest.json", "etcd/main.db"]);

    const provider = bootstrapProvider(() => { throw new Error("no host is contacted by a check"); });
    const conn = { host: "10.0.0.1", port: 22, user: "root", hostKeys: [`SHA256:${"A".repeat(43)}`], agent: true };
    const r = await provider.check!(undefined, {
      clusterName: "main", members: [{ name: "a", connection: conn, address: "10.0.0.1", peerUrl: "https://10.0.0.1:2380" }], restoreFrom: { file },
    } as never);
    expect(r.failures).toEqual([{ property: "restoreFrom.file", reason: expect.stringMatching(/"etcd\/main\.db" is a symbolic link to ".*outside\.db"/) }]);
  });
});
