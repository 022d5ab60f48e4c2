/**
 * Artifacts: fetched once into a local cache, checked against their sha256
 * before anything is uploaded. A cached file is re-checked on every use; a
 * wrong download is removed, never cached. An archive member is read from the
 * checked archive on every use (never cached on its own), and only when it is
 * a regular file whose name stays inside the archive.
 */
import { mkdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Artifact } from "../../sdk/artifact.js";
import { writeFileAtomic } from "../util/atomic.js";
import { FetchError, getBytes } from "./http.js";
import { sha256Hex as sha256 } from "../util/hash.js";
import { REGULAR, TarError, memberPath, memberProblem, readTar } from "../util/tar.js";

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

/** The bytes of the file at the URL, checked; from the cache when it is already there. Each byte is read once. */
async function download(a: Artifact, dir: string, log?: (m: string) => void): Promise<Buffer> {
  const file = join(dir, basename(new URL(a.url).pathname) || a.name);
  const cached = await readIfValid(file, a.sha256);
  if (cached) return cached;
  const check = (b: Buffer): Buffer => {
    const got = sha256(b);
    if (got !== a.sha256) throw new ArtifactError(`${label(a)}: sha256 mismatch: expected ${a.sha256}, got ${got}; nothing was uploaded`);
    return b;
  };
  // https:// and file:// alike: getBytes reads both, and names what failed.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  log?.(`downloading ${a.name} ${a.version} from ${a.url}`);
  const bytes = check(await getBytes(a.url, { timeoutMs: 600_000, ...(a.caPem ? { caPem: a.caPem } : {}) }).catch((e: Error) => {
    throw new ArtifactError(`${label(a)}: ${e instanceof FetchError ? e.message.replace(`${a.url}: `, "") : e.message}; nothing was uploaded`);
  }));
  await writeFileAtomic(file, bytes, 0o644);
  return bytes;
}

// The member named by `a.path`, read from the archive's checked bytes; links, devices and escaping names are refused.
function memberOf(a: Artifact & { path: string }, archive: Buffer): Buffer {
  const want = memberPath(a.path);
  if ("problem" in want) throw new ArtifactError(`${label(a)}: path ${JSON.stringify(a.path)} is ${want.problem}: it would leave the archive`);
  let found;
  try {
    const tar = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
    found = readTar(tar).filter((m) => { const p = memberPath(m.name); return "path" in p && p.path === want.path; });
  } catch (e) {
    if (e instanceof TarError || (e as NodeJS.ErrnoException).code?.startsWith("Z_")) throw new ArtifactError(`${label(a)}: cannot read the archive: ${(e as Error).message}`);
    throw e;
  }
  if (found.length !== 1) throw new ArtifactError(`${label(a)}: ${found.length ? `${found.length} members are` : "no member is"} named ${JSON.stringify(a.path)}`);
  const m = found[0]!;
  const problem = memberProblem(m) ?? (m.type === REGULAR ? undefined : `${JSON.stringify(m.name)} is a ${m.type}`);
  if (problem) throw new ArtifactError(`${label(a)}: ${problem}; nothing was uploaded`);
  return Buffer.from(m.data);
}

const inflight = new Map<string, Promise<Buffer>>();

/** The artifact's bytes (the archive member's, when `path` is set), checked against its sha256. */
export function fetchArtifact(a: Artifact, log?: (m: string) => void, root = cacheDir()): Promise<Buffer> {
  const key = `${root}\0${a.sha256}\0${a.path ?? ""}`;
  let p = inflight.get(key);
  if (!p) {
    p = (async () => {
      const bytes = await download(a, join(root, a.sha256), log);
      return a.path === undefined ? bytes : memberOf({ ...a, path: a.path }, bytes);
    })();
    inflight.set(key, p);
    p.catch(() => inflight.delete(key));
  }
  return p;
}
