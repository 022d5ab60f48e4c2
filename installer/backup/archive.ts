/**
 * Backup archives: a plain tar of manifest.json plus the files it lists.
 * Written to a temporary name and renamed into place (0600); read back only
 * after every checksum in the manifest, and each etcd snapshot's own hash,
 * has been checked.
 */
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { zodProblems, formatProblems } from "../../sdk/internal.js";
import { FORMAT, ManifestSchema, type Manifest } from "./manifest.js";
import { snapshotProblem } from "./snapshot.js";
import { sha256Hex as sha256 } from "../util/hash.js";

const exec = promisify(execFile);

export class BackupError extends Error {
  override readonly name = "BackupError";
}

export type Contents = Omit<Manifest, "files" | "format">;

/** Writes manifest.json and `files` as one tar at `out`, atomically, mode 0600. */
export async function writeBackup(out: string, contents: Contents, files: Readonly<Record<string, Buffer>>): Promise<Manifest> {
  const manifest: Manifest = {
    format: FORMAT, ...contents,
    files: Object.fromEntries(Object.entries(files).map(([p, b]) => [p, { sha256: sha256(b), size: b.length }])),
  };
  const dir = await mkdtemp(join(tmpdir(), "drydock-backup-"));
  const target = resolve(out);
  const tmp = join(dirname(target), `.${randomBytes(4).toString("hex")}.backup.tmp`);
  try {
    await chmod(dir, 0o700);
    for (const [p, b] of Object.entries(files)) {
      await mkdir(dirname(join(dir, p)), { recursive: true });
      await writeFile(join(dir, p), b, { mode: 0o600 });
    }
    await writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await mkdir(dirname(target), { recursive: true });
    await exec("tar", ["-cf", tmp, "-C", dir, "--owner=0", "--group=0", "--sort=name", "manifest.json", ...Object.keys(files).sort()]);
    await chmod(tmp, 0o600);
    await rename(tmp, target);
    return manifest;
  } finally {
    await rm(tmp, { force: true });
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Backup {
  readonly manifest: Manifest;
  readonly files: Readonly<Record<string, Buffer>>;
}

/** Reads and checks an archive; throws a BackupError naming each file whose check failed. */
export async function readBackup(file: string): Promise<Backup> {
  const dir = await mkdtemp(join(tmpdir(), "drydock-restore-"));
  try {
    await exec("tar", ["-xf", resolve(file), "-C", dir, "--no-same-owner", "--no-same-permissions"]).catch((e: Error & { stderr?: string }) => {
      throw new BackupError(`${file}: not a readable backup archive: ${(e.stderr ?? e.message).trim()}`);
    });
    const raw = await readFile(join(dir, "manifest.json"), "utf8").catch(() => {
      throw new BackupError(`${file}: no manifest.json: not a drydock backup`);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new BackupError(`${file}: manifest.json is not JSON: ${(e as Error).message}`);
    }
    const m = ManifestSchema.safeParse(parsed);
    if (!m.success) throw new BackupError(`${file}: manifest.json is invalid:\n${formatProblems(zodProblems(m.error.issues, parsed))}`);
    const problems: string[] = [];
    const files: Record<string, Buffer> = {};
    for (const [p, want] of Object.entries(m.data.files)) {
      if (p.split("/").includes("..") || p.startsWith("/")) { problems.push(`${p}: path leaves the archive`); continue; }
      const b = await readFile(join(dir, p)).catch(() => undefined);
      if (!b) { problems.push(`${p}: missing from the archive`); continue; }
      const got = sha256(b);
      if (got !== want.sha256) problems.push(`${p}: sha256 mismatch: manifest says ${want.sha256}, file has ${got} (${b.length} bytes, manifest says ${want.size})`);
      else files[p] = b;
    }
    for (const e of m.data.etcd) {
      const b = files[e.file];
      if (!b) { if (!(e.file in m.data.files)) problems.push(`${e.file}: etcd snapshot of ${e.clusterName} not listed in the manifest`); continue; }
      const p = snapshotProblem(b);
      if (p) problems.push(`${e.file}: ${p}`);
    }
    if (problems.length) throw new BackupError(`${file}: backup verification failed:\n${problems.map((p) => `  ✖ ${p}`).join("\n")}`);
    return { manifest: m.data, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The snapshot of one etcd cluster in a checked backup: named, or the only one. */
export function snapshotOf(b: Backup, file: string, cluster?: string): { snapshot: Buffer; entry: Manifest["etcd"][number] } {
  const all = b.manifest.etcd;
  const entry = cluster ? all.find((e) => e.clusterName === cluster) : all.length === 1 ? all[0] : undefined;
  if (!entry) {
    const names = all.map((e) => e.clusterName).join(", ") || "none";
    throw new BackupError(cluster
      ? `${file}: no etcd snapshot of cluster "${cluster}" (it has: ${names})`
      : `${file}: ${all.length} etcd snapshots (${names}): say which with restoreFrom.cluster`);
  }
  return { snapshot: b.files[entry.file]!, entry };
}
