/**
 * Artifacts: fetched once into a local cache, checked against their sha256
 * before anything is uploaded. A cached file is re-checked on every use; a
 * wrong download is removed, never cached.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Artifact } from "../../sdk/artifact.js";
import { writeFileAtomic } from "../util/atomic.js";
import { sha256Hex as sha256 } from "../util/hash.js";

const exec = promisify(execFile);

export class ArtifactError extends Error {
  override readonly name = "ArtifactError";
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DRYDOCK_CACHE_DIR) return join(env.DRYDOCK_CACHE_DIR, "artifacts");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "drydock", "artifacts");
}

const label = (a: Artifact): string => `artifact ${a.name} ${a.version} (${a.url})`;

async function readIfValid(path: string, want: string): Promise<Buffer | undefined> {
  try {
    const b = await readFile(path);
    return sha256(b) === want ? b : undefined;
  } catch {
    return undefined;
  }
}

/** The file at the URL and its bytes, checked; from the cache when it is already there. Each byte is read once. */
async function download(a: Artifact, dir: string, log?: (m: string) => void): Promise<{ file: string; bytes: Buffer }> {
  const file = join(dir, basename(new URL(a.url).pathname) || a.name);
  const cached = await readIfValid(file, a.sha256);
  if (cached) return { file, bytes: cached };
  const check = (b: Buffer): Buffer => {
    const got = sha256(b);
    if (got !== a.sha256) throw new ArtifactError(`${label(a)}: sha256 mismatch: expected ${a.sha256}, got ${got}; nothing was uploaded`);
    return b;
  };
  if (a.url.startsWith("file://")) {
    const src = fileURLToPath(a.url);
    const bytes = check(await readFile(src).catch((e: NodeJS.ErrnoException) => {
      throw new ArtifactError(`${label(a)}: cannot read ${src}: ${e.code ?? e.message}`);
    }));
    await writeFileAtomic(file, bytes, 0o644);
    return { file, bytes };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(4).toString("hex")}.part`;
  try {
    log?.(`downloading ${a.name} ${a.version} from ${a.url}`);
    const res = await fetch(a.url, { redirect: "follow", signal: AbortSignal.timeout(600_000) });
    if (!res.ok || !res.body) throw new ArtifactError(`${label(a)}: HTTP ${res.status} ${res.statusText}`);
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), createWriteStream(tmp, { mode: 0o644 }));
    const bytes = check(await readFile(tmp));
    await rename(tmp, file);
    return { file, bytes };
  } finally {
    await rm(tmp, { force: true });
  }
}

const inflight = new Map<string, Promise<Buffer>>();

/** The artifact's bytes (the archive member's, when `path` is set), checked against its sha256. */
export function fetchArtifact(a: Artifact, log?: (m: string) => void, root = cacheDir()): Promise<Buffer> {
  const key = `${a.sha256}:${a.path ?? ""}`;
  let p = inflight.get(key);
  if (!p) {
    p = (async () => {
      const dir = join(root, a.sha256);
      const { file, bytes } = await download(a, dir, log);
      if (!a.path) return bytes;
      const member = join(dir, "members", a.path);
      const cached = await readFile(member).catch(() => undefined);
      if (cached) return cached;
      const { stdout } = await exec("tar", ["-xzOf", file, "--", a.path], { encoding: "buffer", maxBuffer: 1 << 30 }).catch((e: Error & { stderr?: Buffer }) => {
        throw new ArtifactError(`${label(a)}: cannot extract ${a.path}: ${e.stderr?.toString().trim() || e.message}`);
      });
      await writeFileAtomic(member, stdout, 0o644);
      return stdout;
    })();
    inflight.set(key, p);
    p.catch(() => inflight.delete(key));
  }
  return p;
}

