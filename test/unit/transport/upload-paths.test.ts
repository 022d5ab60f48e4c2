import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localHost } from "./local-host.js";

/** Every path under `dir`, relative, sorted (dot files too). */
function tree(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? [`${relative(base, p)}/`, ...tree(p, base)] : [relative(base, p)];
  }).sort();
}

// Each name is one or more path components below a fresh temp dir; the shell runs with that dir as its cwd, so an injected `touch PWNED` would land there.
const AWKWARD = [
  "with space/file name.txt",
  `it's "quoted".conf`,
  "'",
  "$HOME and $(touch PWNED) and `touch PWNED`",
  "x EXIT;touch${IFS}PWNED;#y",
  "a;touch PWNED|b&c>d<e",
  "-rf/-n",
  "glob*?[a]",
  "back\\slash",
  "ünï cödé ✓",
];

const canSudo = spawnSync("sudo", ["-n", "true"]).status === 0;
if (!canSudo) console.warn("skipping the sudo half of the upload path tests: sudo -n does not work for this user");

describe("uploads to awkward paths run the real install script", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  for (const sudo of [false, true]) {
    for (const name of AWKWARD) {
      it.skipIf(sudo && !canSudo)(`${sudo ? "sudo -n sh -s" : "sh -s"}: ${name}`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "dd-upload-"));
        dirs.push(dir);
        const { transport, commands } = localHost(dir);
        const path = join(dir, name);
        const content = `content of ${name}\n`;

        const r = await transport.upload(content, path, { mode: "0640", sudo });
        expect(r.changed).toBe(true);
        expect(readFileSync(path, "utf8")).toBe(content);
        expect(statSync(path).mode & 0o777).toBe(0o640);
        const parents = name.split("/").slice(0, -1).map((_, i, a) => `${a.slice(0, i + 1).join("/")}/`);
        expect(tree(dir)).toEqual([...parents, name].sort());
        if (sudo) expect(commands).toContain("sudo -n -- sh -s");

        // The probe reads the same path back: a second upload changes nothing.
        expect((await transport.upload(content, path, { mode: "0640", sudo })).changed).toBe(false);
      });
    }
  }

  it("a small file travels in its install script: one command when the caller has probed; a large one goes through a temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dd-upload-"));
    dirs.push(dir);
    const { transport, commands } = localHost(dir);
    const small = join(dir, AWKWARD[3]!);
    expect((await transport.upload("tiny\n", small, { mode: "0600", probed: true })).changed).toBe(true);
    expect(commands).toHaveLength(1);
    expect(readFileSync(small, "utf8")).toBe("tiny\n");
    const big = join(dir, "sub", AWKWARD[4]!);
    const bytes = Buffer.alloc(200 * 1024, "0123456789abcdef\n");
    expect((await transport.upload(bytes, big, { mode: "0640" })).changed).toBe(true);
    // probe, transfer to a temp file, install
    expect(commands).toHaveLength(4);
    expect(readFileSync(big).equals(bytes)).toBe(true);
    expect(statSync(big).mode & 0o777).toBe(0o640);
    expect((await transport.upload(bytes, big, { mode: "0640" })).changed).toBe(false);
    expect(tree(dir)).toEqual([AWKWARD[3]!, "sub/", `sub/${AWKWARD[4]!}`].sort());
  });

  it("a command given a display is named by it in errors, never by its text (an install script can carry a key)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dd-upload-"));
    dirs.push(dir);
    const { transport } = localHost(dir);
    const err = await transport.exec("# PRIVATE-KEY-BYTES\nsleep 5", { timeoutMs: 200, display: "install /etc/x.key (content inline)" }).then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain("timed out after 0 s: install /etc/x.key (content inline)");
    expect(err?.message).not.toContain("PRIVATE-KEY-BYTES");
  });

  it("refuses a path with a newline or another control character before running anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dd-upload-"));
    dirs.push(dir);
    const { transport, commands } = localHost(dir);
    await expect(transport.upload("x", join(dir, "a\ntouch PWNED"), {})).rejects.toThrow(/path ".*a\\ntouch PWNED" must not contain control characters/);
    await expect(transport.upload("x", join(dir, "tab\there"), {})).rejects.toThrow(/control characters/);
    expect(commands).toEqual([]);
    expect(tree(dir)).toEqual([]);
  });
});
