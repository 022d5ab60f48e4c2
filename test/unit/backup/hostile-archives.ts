/**
 * Backup archives that try to reach outside themselves, built with the real
 * GNU tar: each holds a manifest.json that lists its files with sha256s, so
 * only the member's type or name can make it fail.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, linkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

export const OUTSIDE = "/etc/hostname";
export const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");
export const outsideSha = (): string => sha(readFileSync(OUTSIDE));

export interface Hostile {
  /** What the test calls it, and what the refusal must name: the member and its type. */
  readonly name: string;
  readonly file: string;
  readonly expect: RegExp;
}

function manifest(dir: string, files: Record<string, string>): void {
  const entries = Object.fromEntries(Object.entries(files).map(([p, h]) => [p, { sha256: h, size: 3 }]));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({
    format: "drydock-backup/1", project: "p", stack: "dev", createdAt: "2026-01-01T00:00:00Z", drydockVersion: "0.1.0", files: entries, etcd: [],
  }));
}

/** One archive per way out; `mknod` needs root, so the device case is left out (and said so) without it. */
export async function hostileArchives(root = mkdtempSync(join(tmpdir(), "drydock-hostile-"))): Promise<{ root: string; archives: Hostile[]; skipped: string[] }> {
  const archives: Hostile[] = [];
  const skipped: string[] = [];
  const make = async (name: string, expect: RegExp, build: (d: string) => Promise<string[]>, tarFlags = "-cf"): Promise<void> => {
    const d = join(root, name);
    mkdirSync(d);
    const members = await build(d);
    const file = join(root, `${name}.tar`);
    await execa("tar", [tarFlags, file, "-C", d, "manifest.json", ...members]);
    archives.push({ name, file, expect });
  };
  await make("symlink", /"state\.json" is a symbolic link to "\/etc\/hostname"/, async (d) => {
    symlinkSync(OUTSIDE, join(d, "state.json"));
    manifest(d, { "state.json": outsideSha() });
    return ["state.json"];
  });
  await make("symlink-wrong-sum", /"state\.json" is a symbolic link to "\/etc\/hostname"/, async (d) => {
    symlinkSync(OUTSIDE, join(d, "state.json"));
    manifest(d, { "state.json": "0".repeat(64) });
    return ["state.json"];
  });
  await make("hardlink", /"copy\.json" is a hard link to "state\.json"/, async (d) => {
    writeFileSync(join(d, "state.json"), "{}\n");
    linkSync(join(d, "state.json"), join(d, "copy.json"));
    manifest(d, { "state.json": sha("{}\n"), "copy.json": sha("{}\n") });
    return ["state.json", "copy.json"];
  });
  await make("fifo", /"state\.json" is a fifo/, async (d) => {
    await execa("mkfifo", [join(d, "state.json")]);
    manifest(d, { "state.json": sha("") });
    return ["state.json"];
  });
  try {
    await make("device", /"state\.json" is a character device/, async (d) => {
      await execa("mknod", [join(d, "state.json"), "c", "1", "3"]);
      manifest(d, { "state.json": sha("") });
      return ["state.json"];
    });
  } catch (e) {
    skipped.push(`device: mknod failed (${(e as Error).message.split("\n")[0]})`);
  }
  const outside = join(root, "outside.txt");
  writeFileSync(outside, "out");
  await make("absolute", new RegExp(`"${outside.replace(/[.]/g, "\\.")}": an absolute name leaves the archive`), async (d) => {
    manifest(d, { [outside]: sha("out") });
    return [outside];
  }, "-cPf");
  await make("dotdot", /"\.\.\/outside\.txt": a name with a "\.\." segment leaves the archive/, async (d) => {
    manifest(d, { "../outside.txt": sha("out") });
    return ["../outside.txt"];
  }, "-cPf");
  return { root, archives, skipped };
}
