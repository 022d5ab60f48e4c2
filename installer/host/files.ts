/**
 * Putting a set of owned files on a host, reading them back and removing
 * them. Ownership is checked before anything is written; the manifest is
 * widened before the uploads (so a crash never leaves a file drydock made
 * unlisted) and narrowed after them. Uploads are the transport's: verified
 * by sha256 and renamed into place.
 */
import type { Transport } from "../transport/types.js";
import { sha256Hex } from "../util/hash.js";
import { run, shellQuote } from "../transport/types.js";
import { manifestPath, manifestText, parentsOf, parseProbe, probeScript, removeScript, type Manifest, type Probe } from "./manifest.js";

export interface FileState {
  readonly sha256: string;
  readonly mode: string;
  readonly owner: string;
}

export interface WantedFile {
  readonly path: string;
  readonly bytes: Buffer | string;
  readonly mode: string;
  readonly owner: string;
}

/** Where a set lives: the host, its manifest's name and the folder of manifests. */
export interface SetTarget {
  readonly t: Transport;
  readonly set: string;
  readonly stateDir: string;
  readonly signal?: AbortSignal;
  /** Take over files no set owns (host.Files' `adopt`). */
  readonly adopt?: boolean;
}

const root = { sudo: true, timeoutMs: 120_000 } as const;

/** A path the set may not write, and why, in words. */
export class OwnershipError extends Error {
  override readonly name = "OwnershipError";
}

export async function probe(s: SetTarget, paths: readonly string[], dirs: readonly string[] = []): Promise<Probe> {
  const r = await s.t.exec(probeScript(s.stateDir, s.set, paths, dirs), { ...root, signal: s.signal });
  if (r.code !== 0) throw new Error(`${s.t.name}: cannot read files of ${s.set} (exit ${r.code}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
  return parseProbe(r.stdout, paths, dirs);
}

/** Why each wanted path cannot be written by this set (empty when all can). */
export function refusals(p: Probe, wanted: readonly string[], adopt: boolean): string[] {
  const mine = new Set(p.manifest?.files ?? []);
  return wanted.flatMap((path) => {
    const others = p.ownedBy.get(path);
    if (others?.length) return [`${path} belongs to drydock set ${others.join(", ")}`];
    const st = p.paths.get(path)!;
    if (st.kind === "other") return [`${path} exists and is not a regular file (a directory, a link or a device)`];
    if (st.kind === "file" && !mine.has(path) && !adopt) return [`${path} exists and no drydock set owns it (set adopt: true to take it over)`];
    return [];
  });
}

/** Writes the set's manifest unless `was` (what the host has) reads the same. */
async function writeManifest(s: SetTarget, m: Manifest, was: Manifest | undefined): Promise<Manifest> {
  const text = manifestText(s.set, m);
  if (was && manifestText(s.set, was) === text) return m;
  await s.t.upload(text, manifestPath(s.stateDir, s.set), { mode: "0600", owner: "root:root", sudo: true, signal: s.signal, probed: true });
  return m;
}

const ownerMatches = (want: string, got: string): boolean => got === want || (!want.includes(":") && got.startsWith(`${want}:`));

/** Whether what is on the host is exactly what is wanted. */
export function sameAs(st: FileState | undefined, f: { sha256: string; mode: string; owner: string }): boolean {
  return st !== undefined && st.sha256 === f.sha256 && st.mode === f.mode && ownerMatches(f.owner, st.owner);
}

/**
 * Makes the host hold exactly `wanted` for this set: refuses first (naming
 * every path it may not write), then writes, then removes the set's files
 * that are no longer wanted. Returns what is on the host per path.
 */
export async function putFiles(s: SetTarget, wanted: readonly WantedFile[]): Promise<Record<string, FileState>> {
  const paths = wanted.map((w) => w.path);
  const dirs = [...new Set(paths.flatMap(parentsOf))];
  const before = await probe(s, paths, dirs);
  const refused = refusals(before, paths, s.adopt ?? false);
  if (refused.length) throw new OwnershipError(`${s.t.name}: drydock set ${s.set} will not write what it does not own; nothing was written:\n  ${refused.join("\n  ")}`);
  const old = before.manifest ?? { files: [], dirs: [] };
  const made = [...new Set([...old.dirs, ...before.missingDirs])];
  const widened = await writeManifest(s, { files: [...new Set([...old.files, ...paths])], dirs: made }, before.manifest);
  // The probe read every path: a file already as wanted is left alone, the others are written without being read again.
  const results = await Promise.all(wanted.map(async (w) => {
    const sha256 = sha256Hex(w.bytes);
    const st = before.paths.get(w.path);
    if (st?.kind === "file" && sameAs(st, { sha256, mode: w.mode.padStart(4, "0"), owner: w.owner })) return { sha256 };
    return s.t.upload(w.bytes, w.path, { mode: w.mode, owner: w.owner, sudo: true, signal: s.signal, probed: true });
  }));
  const dropped = old.files.filter((f) => !paths.includes(f));
  if (dropped.length) await run(s.t, dropped.map((f) => `rm -f -- ${shellQuote(f)}`).join("\n"), { ...root, what: `removing ${dropped.join(", ")} (no longer in set ${s.set})` });
  await writeManifest(s, { files: paths, dirs: made }, widened);
  return Object.fromEntries(wanted.map((w, k) => [w.path, { sha256: results[k]!.sha256, mode: w.mode.padStart(4, "0"), owner: w.owner }]));
}

/** What is on the host at each path, and whether the set's manifest is still there. */
export async function readFiles(s: SetTarget, paths: readonly string[]): Promise<{ files: Record<string, FileState | undefined>; manifest: boolean }> {
  const p = await probe(s, paths);
  const files = Object.fromEntries(paths.map((path) => {
    const st = p.paths.get(path)!;
    return [path, st.kind === "file" ? { sha256: st.sha256, mode: st.mode, owner: st.owner } : undefined];
  }));
  return { files, manifest: p.manifest !== undefined };
}

/**
 * Removes what the host's manifest of this set lists, and nothing else.
 * Without a manifest nothing is removed (what is at those paths may not be
 * drydock's any more). Returns what it kept, and why.
 */
export async function removeFiles(s: SetTarget): Promise<string[]> {
  const p = await probe(s, []);
  if (!p.manifest) return [`${s.t.name}: no manifest of set ${s.set}: nothing removed`];
  const r = await run(s.t, removeScript(s.stateDir, s.set, p.manifest), { ...root, what: `removing the files of set ${s.set}` });
  return r.stdout.split("\n").filter(Boolean).map((l) => `${s.t.name}: ${l}`);
}
