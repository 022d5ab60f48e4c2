/**
 * Checksum files in each upstream's own format, parsed into the sha256 of one named file:
 * - "digest": the hex digest alone (dl.k8s.io's `<binary>.sha256`, crictl's `.sha256`);
 * - "sumlines": `sha256sum` output, `<digest>  <name>` lines, one file or many (etcd's SHA256SUMS,
 *   containerd's `.sha256sum`, CNI's and CoreDNS's `.sha256`, runc's `runc.sha256sum`, which
 *   upstream clear-signs with PGP: the signed text is read, the armour around it skipped).
 */
export type ChecksumFormat = "digest" | "sumlines";

export class ChecksumError extends Error {
  override readonly name = "ChecksumError";
}

const HEX = /^[0-9a-fA-F]{64}$/;

// The text a PGP clear-signed message signs, with its dash-escaping undone; other text as it is.
function signedText(text: string): string {
  const begin = text.indexOf("-----BEGIN PGP SIGNED MESSAGE-----");
  if (begin < 0) return text;
  const afterHeaders = text.indexOf("\n\n", begin);
  const sig = text.indexOf("-----BEGIN PGP SIGNATURE-----", afterHeaders);
  if (afterHeaders < 0 || sig < 0) throw new ChecksumError("a PGP clear-signed message without its signed text or signature");
  return text.slice(afterHeaders + 2, sig).split("\n").map((l) => l.replace(/^- /, "")).join("\n");
}

/** The sha256 (lowercase hex) the checksum file `text` gives for `file`; `where` names the checksum file in errors. */
export function parseChecksum(format: ChecksumFormat, text: string, file: string, where: string): string {
  if (format === "digest") {
    const words = text.trim().split(/\s+/);
    // Tolerate a `digest  name` line too, as long as the name is this file.
    if (words.length >= 1 && HEX.test(words[0]!) && (words.length === 1 || (words.length === 2 && baseName(words[1]!) === file))) return words[0]!.toLowerCase();
    throw new ChecksumError(`${where}: expected a sha256 digest alone, got ${JSON.stringify(text.trim().slice(0, 100))}`);
  }
  const found: string[] = [];
  for (const raw of signedText(text).split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const m = line.match(/^([0-9a-fA-F]{64})\s+\*?(.+)$/);
    if (!m) throw new ChecksumError(`${where}: line ${JSON.stringify(line.slice(0, 100))} is not "<sha256>  <file name>"`);
    if (baseName(m[2]!) === file) found.push(m[1]!.toLowerCase());
  }
  if (found.length === 0) throw new ChecksumError(`${where}: lists no ${file}`);
  if (new Set(found).size > 1) throw new ChecksumError(`${where}: lists ${file} ${found.length} times with different digests`);
  return found[0]!;
}

// "./bin/x" and "bin/x" name the same file; a checksum line names the file by its base name.
const baseName = (n: string): string => n.replace(/^\.\//, "").split("/").pop()!;
