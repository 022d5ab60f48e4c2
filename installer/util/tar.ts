/**
 * A plain tar read in memory, headers parsed here rather than by `tar -x`, so
 * that nothing in an archive (a symlink, a hard link, a device, an absolute or
 * `..` name) can reach the filesystem. Backups and artifacts both read their
 * members through this, and accept only regular files and directories.
 */

export class TarError extends Error {
  override readonly name = "TarError";
}

/** One member as its header describes it; `data` is the body of a regular file, empty otherwise. */
export interface TarMember {
  readonly name: string;
  /** A human name of the header's type: "regular file", "symbolic link", … */
  readonly type: string;
  readonly linkTarget?: string;
  readonly data: Buffer;
}

const TYPES: Readonly<Record<string, string>> = {
  "0": "regular file", "\0": "regular file", "1": "hard link", "2": "symbolic link", "3": "character device",
  "4": "block device", "5": "directory", "6": "fifo", "7": "contiguous file", S: "sparse file", V: "volume label",
  M: "multi-volume continuation", D: "dumpdir", N: "old GNU long name",
};

export const REGULAR = "regular file";
export const DIRECTORY = "directory";

const text = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString("utf8");
};

// Octal as tar writes it, or GNU's base-256 for sizes past 8 GiB.
function number(b: Buffer): number {
  if (b[0]! & 0x80) {
    let n = b[0]! & 0x7f;
    for (const byte of b.subarray(1)) n = n * 256 + byte;
    return n;
  }
  const s = text(b).trim();
  return s === "" ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return number(h.subarray(148, 156)) === sum;
}

// PAX records: "<len> key=value\n"; only path and size change how a member is read.
function pax(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < b.length) {
    const space = b.indexOf(32, at);
    const len = parseInt(b.subarray(at, space).toString(), 10);
    if (space < 0 || !(len > 0)) break;
    const rec = b.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    at += len;
  }
  return out;
}

/** Every member of a tar (ustar, GNU or PAX), in order; throws a TarError when it is not a well-formed tar. */
export function readTar(buf: Buffer): TarMember[] {
  const members: TarMember[] = [];
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let ext: Record<string, string> = {};
  while (at + 512 <= buf.length) {
    const h = buf.subarray(at, at + 512);
    if (h.every((x) => x === 0)) return members;
    if (!checksumOk(h)) throw new TarError(`not a tar archive: bad header checksum at byte ${at}`);
    const flag = String.fromCharCode(h[156]!);
    const size = ext.size !== undefined ? Number(ext.size) : number(h.subarray(124, 136));
    const body = at + 512;
    if (!Number.isSafeInteger(size) || size < 0 || body + size > buf.length) throw new TarError(`not a tar archive: member at byte ${at} is truncated`);
    const data = buf.subarray(body, body + size);
    at = body + Math.ceil(size / 512) * 512;
    if (flag === "L") { longName = text(data); continue; }
    if (flag === "K") { longLink = text(data); continue; }
    if (flag === "x") { ext = pax(data); continue; }
    if (flag === "g") continue;
    const ustar = h.subarray(257, 263).toString("latin1") === "ustar\0";
    const prefix = ustar ? text(h.subarray(345, 500)) : "";
    const name = ext.path ?? longName ?? (prefix ? `${prefix}/${text(h.subarray(0, 100))}` : text(h.subarray(0, 100)));
    const link = flag === "1" || flag === "2" ? ext.linkpath ?? longLink ?? text(h.subarray(157, 257)) : "";
    let type = TYPES[flag] ?? `member of unknown type ${JSON.stringify(flag)}`;
    if (type === REGULAR && name.endsWith("/")) type = DIRECTORY; // pre-POSIX tars mark directories by the slash
    members.push({ name, type, ...(link ? { linkTarget: link } : {}), data: type === REGULAR ? data : Buffer.alloc(0) });
    longName = longLink = undefined;
    ext = {};
  }
  if (members.length === 0 && buf.length < 512) throw new TarError("not a tar archive: shorter than one header");
  return members;
}

/** The member's name with `./` and trailing slashes dropped, or why it could land outside the archive. */
export function memberPath(name: string): { path: string } | { problem: string } {
  if (name.startsWith("/")) return { problem: "an absolute name" };
  const parts = name.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.includes("..")) return { problem: "a name with a \"..\" segment" };
  return { path: parts.join("/") };
}

/** Why a member may not be read, naming it and its type; undefined for a regular file or directory with a safe name. */
export function memberProblem(m: TarMember): string | undefined {
  const p = memberPath(m.name);
  if ("problem" in p) return `${JSON.stringify(m.name)}: ${p.problem} leaves the archive`;
  if (m.type === REGULAR || m.type === DIRECTORY) return undefined;
  const to = m.linkTarget ? ` to ${JSON.stringify(m.linkTarget)}` : "";
  return `${JSON.stringify(m.name)} is a ${m.type}${to}: only regular files and directories are allowed`;
}
