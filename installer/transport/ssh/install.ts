/**
 * The script that moves an uploaded temp file into place. Every value from
 * outside (paths, owner) is assigned to a variable once, quoted, and only ever
 * used as `"$var"` after `--`: a path is data, never shell code.
 */
import { SHA256_FUNCTION, TransportError, shellQuote } from "../types.js";

export interface InstallPlan {
  /** The temp file the bytes were streamed to; or, for small content, `inline`. */
  readonly tmp?: string;
  /** The content itself, base64, carried in the script (one round trip for a small file). */
  readonly inline?: string;
  /** The absolute target path. */
  readonly path: string;
  /** Random suffix of the sibling the file is prepared in before the rename. */
  readonly nonce: string;
  readonly sha256: string;
  /** Four octal digits. */
  readonly mode: string;
  readonly owner?: string;
}

/**
 * Why `path` cannot be uploaded to, or undefined. Control characters (a
 * newline above all) would be quoted safely, but break every line-based tool
 * and log that shows the path back: refused rather than half-supported.
 */
export function uploadPathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return "must be absolute";
  if (/[\x00-\x1f\x7f]/.test(path)) return "must not contain control characters (newline, tab, …)";
  if (path.endsWith("/")) return "must name a file, not end with /";
  return undefined;
}

/** The upload's mode as four octal digits; throws naming the host when the path or mode cannot be used. */
export function checkedUpload(host: string, path: string, mode = "0644"): string {
  const m = mode.padStart(4, "0");
  if (!/^[0-7]{4}$/.test(m)) throw new TransportError(host, `upload ${path}: mode "${mode}" is not octal permission bits`);
  const bad = uploadPathProblem(path);
  if (bad) throw new TransportError(host, `upload: path ${JSON.stringify(path)} ${bad}`);
  return m;
}

/** Builds the install script for a path `uploadPathProblem` accepts. */
export function installScript(p: InstallPlan): string {
  if (!/^[0-7]{4}$/.test(p.mode)) throw new Error(`mode "${p.mode}" is not octal permission bits`);
  if (!/^[0-9a-f]{64}$/.test(p.sha256)) throw new Error(`"${p.sha256}" is not a sha256`);
  if ((p.tmp === undefined) === (p.inline === undefined)) throw new Error("an install takes either a temp file or inline content");
  if (p.inline !== undefined && !/^[A-Za-z0-9+/=]*$/.test(p.inline)) throw new Error("inline content must be base64");
  const cut = p.path.lastIndexOf("/");
  const dir = p.path.slice(0, cut) || "/";
  const part = `${dir === "/" ? "" : dir}/.${p.path.slice(cut + 1)}.drydock-${p.nonce}`;
  const bytesIn = p.tmp !== undefined
    ? [
      `tmp=${shellQuote(p.tmp)}`,
      `trap 'rm -f -- "$tmp" "$part"' EXIT`,
      `mkdir -p -- "$dir"`,
      // A rename when the temp file is on the target's filesystem (no second copy), a copy when not.
      `mv -f -- "$tmp" "$part"`,
    ]
    : [
      `trap 'rm -f -- "$part"' EXIT`,
      `mkdir -p -- "$dir"`,
      // The delimiter cannot occur in base64 (it has an underscore).
      `(umask 077 && base64 -d > "$part") <<'DRYDOCK_B64'`,
      ...(p.inline!.match(/.{1,76}/g) ?? []),
      "DRYDOCK_B64",
    ];
  return [
    "set -e",
    `part=${shellQuote(part)}`,
    `dir=${shellQuote(dir)}`,
    `dst=${shellQuote(p.path)}`,
    ...(p.owner ? [`owner=${shellQuote(p.owner)}`] : []),
    ...bytesIn,
    // From stdin: a digest tool escapes a file name it prints, so the hash is read without one.
    SHA256_FUNCTION,
    `got=$(dd_sha256 < "$part")`,
    `[ "$got" = ${p.sha256} ] || { echo "checksum mismatch after transfer: expected ${p.sha256}, got $got" >&2; exit 3; }`,
    `chmod ${p.mode} -- "$part"`,
    // Without an owner the file belongs to whoever installs it, as a copy made here would.
    p.owner ? `chown -- "$owner" "$part"` : `chown -- "$(id -u):$(id -g)" "$part"`,
    `sync -- "$part" 2>/dev/null || true`,
    `mv -f -T -- "$part" "$dst"`,
  ].join("\n");
}

/**
 * Prints the sha256 and `mode user:group` of the file at `path`, one a line;
 * exits 44 when nothing is there and 45 when it cannot be read.
 */
export function statScript(path: string): string {
  return [
    `f=${shellQuote(path)}`,
    // Absent (44) only when the host says "no such file": a folder the user may not enter is an error (45), not an absence.
    `if ! err=$(LC_ALL=C stat -c %n -- "$f" 2>&1 >/dev/null); then`,
    `  case "$err" in *": No such file or directory"|*": Not a directory") exit 44;; esac`,
    `  printf '%s\\n' "$err" >&2; exit 45`,
    "fi",
    SHA256_FUNCTION,
    `sum=$(dd_sha256 < "$f") || exit 45`,
    `st=$(stat -c '%a %U:%G' -- "$f") || exit 45`,
    `printf '%s\\n%s\\n' "\${sum%% *}" "$st"`,
  ].join("\n");
}
