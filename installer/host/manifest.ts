/**
 * What drydock owns on a host: one manifest per set of files, under
 * `<stateDir>/owned/<set>.manifest`, listing the files (and the directories
 * drydock created for them). Pure: these build and parse the scripts that
 * files.ts runs.
 */
import { SHA256_FUNCTION, shellQuote } from "../transport/types.js";

/** Where drydock keeps its manifests on a host; tests pass a folder of their own. */
export const HOST_STATE_DIR = "/var/lib/drydock";

export const manifestDir = (stateDir: string): string => `${stateDir}/owned`;
export const manifestPath = (stateDir: string, set: string): string => `${manifestDir(stateDir)}/${set}.manifest`;

export interface Manifest {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

/** A set's name: letters, digits, dot, dash, underscore (it is a file name). */
export const SET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

export function manifestText(set: string, m: Manifest): string {
  return [`# drydock manifest of ${set}: files and directories drydock made; delete removes exactly these`,
    ...[...new Set(m.dirs)].sort().map((d) => `dir ${d}`),
    ...[...new Set(m.files)].sort().map((f) => `file ${f}`), ""].join("\n");
}

export function parseManifest(text: string): Manifest {
  const lines = text.split("\n");
  return {
    files: lines.filter((l) => l.startsWith("file /")).map((l) => l.slice(5)),
    dirs: lines.filter((l) => l.startsWith("dir /")).map((l) => l.slice(4)),
  };
}

/** Every directory above `path`, nearest first, `/` excluded. */
export function parentsOf(path: string): string[] {
  const out: string[] = [];
  for (let cut = path.lastIndexOf("/"); cut > 0; cut = path.lastIndexOf("/", cut - 1)) out.push(path.slice(0, cut));
  return out;
}

/** What the probe said about one path. */
export type PathState =
  | { readonly kind: "file"; readonly sha256: string; readonly mode: string; readonly owner: string }
  | { readonly kind: "missing" }
  /** Something that is not a regular file (a directory, a link, a device). */
  | { readonly kind: "other" };

export interface Probe {
  readonly paths: ReadonlyMap<string, PathState>;
  /** Which other sets' manifests list each path. */
  readonly ownedBy: ReadonlyMap<string, readonly string[]>;
  /** This set's manifest, when there is one. */
  readonly manifest?: Manifest;
  /** Directories among those asked about that do not exist. */
  readonly missingDirs: readonly string[];
}

const MARK = "@@drydock-probe";

/**
 * One round trip: each path's sha256, mode and owner (or missing), which
 * manifests list it, whether each directory exists, and this set's manifest.
 */
export function probeScript(stateDir: string, set: string, paths: readonly string[], dirs: readonly string[]): string {
  const lines = [SHA256_FUNCTION, `own=${shellQuote(manifestDir(stateDir))}`, `mine=${shellQuote(manifestPath(stateDir, set))}`];
  paths.forEach((p, k) => {
    lines.push(
      `p=${shellQuote(p)}`,
      `if [ -L "$p" ] || { [ -e "$p" ] && [ ! -f "$p" ]; }; then echo "P${k} other"`,
      `elif [ -f "$p" ]; then echo "P${k} file $(dd_sha256 < "$p") $(stat -c '%a %U:%G' -- "$p")"`,
      `else echo "P${k} missing"; fi`,
      `for m in "$own"/*.manifest; do [ -f "$m" ] && [ "$m" != "$mine" ] && grep -qxF -- "file $p" "$m" && echo "O${k} $(basename -- "$m" .manifest)"; done`,
    );
  });
  dirs.forEach((d, k) => lines.push(`[ -d ${shellQuote(d)} ] || echo "D${k}"`));
  lines.push(`echo "${MARK}"`, `if [ -f "$mine" ]; then cat -- "$mine"; else echo "${MARK} none"; fi`);
  return lines.join("\n");
}

export function parseProbe(stdout: string, paths: readonly string[], dirs: readonly string[]): Probe {
  const cut = stdout.indexOf(`${MARK}\n`);
  if (cut < 0) throw new Error(`the probe's answer is cut short: ${JSON.stringify(stdout.slice(-200))}`);
  const head = stdout.slice(0, cut).split("\n");
  const tail = stdout.slice(cut + MARK.length + 1);
  const states = new Map<string, PathState>();
  const ownedBy = new Map<string, string[]>();
  const missingDirs: string[] = [];
  for (const l of head) {
    let m = /^P(\d+) (file ([0-9a-f]{64}) ([0-7]+) (\S+)|missing|other)$/.exec(l);
    if (m) {
      const p = paths[Number(m[1])]!;
      states.set(p, m[3] ? { kind: "file", sha256: m[3], mode: m[4]!.padStart(4, "0"), owner: m[5]! } : { kind: m[2] as "missing" | "other" });
      continue;
    }
    m = /^O(\d+) (.+)$/.exec(l);
    if (m) {
      const p = paths[Number(m[1])]!;
      ownedBy.set(p, [...(ownedBy.get(p) ?? []), m[2]!]);
      continue;
    }
    m = /^D(\d+)$/.exec(l);
    if (m) missingDirs.push(dirs[Number(m[1])]!);
  }
  const missing = paths.filter((p) => !states.has(p));
  if (missing.length) throw new Error(`the probe did not answer for ${missing.join(", ")}`);
  return { paths: states, ownedBy, missingDirs, ...(tail.startsWith(`${MARK} none`) ? {} : { manifest: parseManifest(tail) }) };
}

/**
 * Removes exactly what the manifest lists: its files, then its directories
 * deepest first when empty, then the manifest. Prints `kept <dir>` for a
 * directory that holds something drydock did not make.
 */
export function removeScript(stateDir: string, set: string, m: Manifest): string {
  const dirs = [...m.dirs].sort((a, b) => b.length - a.length);
  return [
    "set -e",
    ...m.files.map((f) => `rm -f -- ${shellQuote(f)}`),
    ...dirs.map((d) => `if [ -d ${shellQuote(d)} ]; then rmdir -- ${shellQuote(d)} 2>/dev/null || echo "kept ${d.replace(/["`$\\]/g, "")}: it holds files drydock did not make"; fi`),
    `rm -f -- ${shellQuote(manifestPath(stateDir, set))}`,
    `rmdir -- ${shellQuote(manifestDir(stateDir))} 2>/dev/null || true`,
    `rmdir -- ${shellQuote(stateDir)} 2>/dev/null || true`,
  ].join("\n");
}
