/**
 * Backup archives: a plain tar of manifest.json plus the files it lists.
 * Written through a file created 0600 under a temporary name, then renamed
 * into place; read back by parsing the tar here (nothing is unpacked to disk),
 * only regular files and directories accepted, and only after every checksum
 * in the manifest, and each etcd snapshot's own hash, has been checked.
 */
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { zodProblems, formatProblems } from "../../sdk/internal.js";
import { FORMAT, ManifestSchema, type Manifest } from "./manifest.js";
import { snapshotProblem } from "./snapshot.js";
import { sha256Hex as sha256 } from "../util/hash.js";
import { REGULAR, TarError, memberPath, memberProblem, readTar } from "../util/tar.js";

export class BackupError extends Error {
  override readonly name = "BackupError";
}

export type Contents = Omit<Manifest, "files" | "format">;

// tar writes to stdout, into a descriptor we opened, so the file never exists with tar's (umask) mode.
function tarInto(fd: number, dir: string, names: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    const c = spawn("tar", ["-cf", "-", "-C", dir, "--owner=0", "--group=0", "--sort=name", "--", ...names], { stdio: ["ignore", fd, "pipe"] });
    let err = "";
    c.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
    c.on("error", fail);
    c.on("close", (code) => (code === 0 ? done() : fail(new BackupError(`tar exited ${code}: ${err.trim()}`))));
  });
}

/** Writes manifest.json and `files` as one tar at `out`, atomically; the file is 0600 from the moment it is created. */
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
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.chmod(0o600); // exact, whatever the umask
      await tarInto(fh.fd, dir, ["manifest.json", ...Object.keys(files).sort()]);
      await fh.sync();
    } finally {
      await fh.close();
    }
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

const failed = (file: string, problems: readonly string[]): BackupError =>
  new BackupError(`${file}: backup verification failed:\n${problems.map((p) => `  ✖ ${p}`).join("\n")}`);

/** The regular files of the archive by path; refuses (naming each) any member that is not a regular file or directory inside it. */
async function members(file: string): Promise<Map<string, Buffer>> {
  const raw = await readFile(resolve(file)).catch((e: NodeJS.ErrnoException) => {
    throw new BackupError(`${file}: cannot read: ${e.code ?? e.message}`);
  });
  let all;
  try {
    all = readTar(raw);
  } catch (e) {
    if (e instanceof TarError) throw new BackupError(`${file}: not a readable backup archive: ${e.message}`);
    throw e;
  }
  const problems: string[] = [];
  const byPath = new Map<string, Buffer>();
  for (const m of all) {
    const p = memberProblem(m);
    if (p) { problems.push(p); continue; }
    if (m.type !== REGULAR) continue;
    const { path } = memberPath(m.name) as { path: string };
    if (byPath.has(path)) problems.push(`${JSON.stringify(path)} appears more than once in the archive`);
    byPath.set(path, m.data);
  }
  if (problems.length) throw failed(file, problems);
  return byPath;
}

/** Reads and checks an archive; throws a BackupError naming each member or file whose check failed. */
export async function readBackup(file: string): Promise<Backup> {
  const inside = await members(file);
  const raw = inside.get("manifest.json");
  if (!raw) throw new BackupError(`${file}: no manifest.json: not a drydock backup`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    throw new BackupError(`${file}: manifest.json is not JSON: ${(e as Error).message}`);
  }
  const m = ManifestSchema.safeParse(parsed);
  if (!m.success) throw new BackupError(`${file}: manifest.json is invalid:\n${formatProblems(zodProblems(m.error.issues, parsed))}`);
  const problems: string[] = [];
  const files: Record<string, Buffer> = {};
  const listed = new Set(["manifest.json"]);
  for (const [p, want] of Object.entries(m.data.files)) {
    const at = memberPath(p);
    if ("problem" in at) { problems.push(`${p}: path leaves the archive`); continue; }
    listed.add(at.path);
    const b = inside.get(at.path);
    if (!b) { problems.push(`${p}: missing from the archive`); continue; }
    const got = sha256(b);
    if (got !== want.sha256) problems.push(`${p}: sha256 mismatch: manifest says ${want.sha256}, file has ${got} (${b.length} bytes, manifest says ${want.size})`);
    else files[p] = b;
  }
  for (const p of inside.keys()) if (!listed.has(p)) problems.push(`${p}: in the archive but not listed in the manifest`);
  for (const e of m.data.etcd) {
    const b = files[e.file];
    if (!b) { if (!(e.file in m.data.files)) problems.push(`${e.file}: etcd snapshot of ${e.clusterName} not listed in the manifest`); continue; }
    const p = snapshotProblem(b);
    if (p) problems.push(`${e.file}: ${p}`);
  }
  if (problems.length) throw failed(file, problems);
  return { manifest: m.data, files };
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
