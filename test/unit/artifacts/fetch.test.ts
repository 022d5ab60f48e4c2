/** An artifact's `path` cannot leave its archive, and an archive member is never trusted from the cache. */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ArtifactSchema } from "../../../sdk/artifact.js";
import { formatProblems, zodProblems } from "../../../sdk/internal.js";

const dir = mkdtempSync(join(tmpdir(), "drydock-artifact-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

// Each call is a fresh module, as a new `drydock up` would load it: nothing remembered in memory.
async function freshFetch() {
  vi.resetModules();
  return (await import("../../../installer/artifacts/fetch.js")).fetchArtifact;
}

/** A .tar.gz of `src`/bin (files and links made by `build`), and the artifact pointing at it. */
async function release(name: string, build: (src: string) => void) {
  const src = join(dir, `${name}-src`);
  mkdirSync(src);
  build(src);
  const tgz = join(dir, `${name}.tar.gz`);
  await execa("tar", ["-czf", tgz, "-C", src, "bin"]);
  return { name, version: "1", url: `file://${tgz}`, sha256: sha(readFileSync(tgz)) };
}

describe("artifact path schema", () => {
  it.each(["../../../../etc/hostname", "bin/../../x", "/etc/hostname", "a//b", "./a", ""])("refuses %j, naming path and the value", (path) => {
    const input = { name: "etcd", version: "1", url: "https://example.invalid/e.tar.gz", sha256: "0".repeat(64), path };
    const r = ArtifactSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(formatProblems(zodProblems(r.error!.issues, input))).toBe(`  ✖ path must be relative to the archive's root, with no empty, "." or ".." segment (got ${JSON.stringify(path)}) → at path`);
  });

  it("accepts a member below a folder", () => {
    expect(ArtifactSchema.safeParse({ name: "etcd", version: "1", url: "https://e.invalid/e.tar.gz", sha256: "0".repeat(64), path: "etcd-v3.5.17-linux-amd64/etcd" }).success).toBe(true);
  });
});

describe("artifact members", () => {
  const cache = join(dir, "cache");
  let rel: Awaited<ReturnType<typeof release>>;
  beforeAll(async () => {
    rel = await release("rel", (s) => {
      mkdirSync(join(s, "bin"));
      writeFileSync(join(s, "bin", "tool"), "#!/bin/sh\necho genuine\n");
      symlinkSync("/etc/hostname", join(s, "bin", "link"));
    });
  });

  it("refuses a path that climbs out of the archive, even past the schema, and returns nothing outside", async () => {
    const fetchArtifact = await freshFetch();
    const got = await fetchArtifact({ ...rel, path: "../../../../../../etc/hostname" }, undefined, cache).then((b) => b.toString(), (e: Error) => e.message);
    expect(got).toMatch(/artifact rel 1 \(file:\/\/.*\): path "..\/..\/..\/..\/..\/..\/etc\/hostname" is a name with a ".." segment: it would leave the archive/);
  });

  it("refuses a member that is a symbolic link, naming it and its target", async () => {
    const fetchArtifact = await freshFetch();
    await expect(fetchArtifact({ ...rel, path: "bin/link" }, undefined, cache)).rejects.toThrow(/"bin\/link" is a symbolic link to "\/etc\/hostname": only regular files and directories are allowed; nothing was uploaded/);
  });

  it("names a member the archive does not have", async () => {
    const fetchArtifact = await freshFetch();
    await expect(fetchArtifact({ ...rel, path: "bin/none" }, undefined, cache)).rejects.toThrow(/no member is named "bin\/none"/);
  });

  it("never returns a tampered copy of a member from the cache: the next run reads it from the checked archive", async () => {
    const first = await (await freshFetch())({ ...rel, path: "bin/tool" }, undefined, cache);
    expect(first.toString()).toBe("#!/bin/sh\necho genuine\n");
    // Where the member cache used to be, and anything else under the artifact's folder but the archive itself.
    for (const p of [join(cache, rel.sha256, "members", "bin", "tool"), join(cache, rel.sha256, "bin", "tool")]) {
      mkdirSync(join(p, ".."), { recursive: true });
      writeFileSync(p, "#!/bin/sh\necho TAMPERED\n");
    }
    const next = await (await freshFetch())({ ...rel, path: "bin/tool" }, undefined, cache);
    expect(next.toString()).toBe("#!/bin/sh\necho genuine\n");
  });

  it("re-fetches a tampered cached archive rather than reading members from it", async () => {
    const fetchArtifact = await freshFetch();
    await fetchArtifact({ ...rel, path: "bin/tool" }, undefined, cache);
    writeFileSync(join(cache, rel.sha256, "rel.tar.gz"), "garbage");
    const again = await (await freshFetch())({ ...rel, path: "bin/tool" }, undefined, cache);
    expect(again.toString()).toBe("#!/bin/sh\necho genuine\n");
  });
});
