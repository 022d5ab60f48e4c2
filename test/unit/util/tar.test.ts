/** The tar reader against archives GNU tar writes in each of its formats. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { memberPath, readTar } from "../../../installer/util/tar.js";

const dir = mkdtempSync(join(tmpdir(), "drydock-tar-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const long = `${"d".repeat(60)}/${"e".repeat(60)}/${"f".repeat(90)}.txt`;

describe("readTar", () => {
  mkdirSync(join(dir, "src", long, ".."), { recursive: true });
  writeFileSync(join(dir, "src", long), "long body");
  writeFileSync(join(dir, "src", "short"), "x".repeat(1000));

  it.each(["gnu", "pax", "ustar", "v7"])("reads names and bodies of the %s format", async (format) => {
    const f = join(dir, `${format}.tar`);
    const names = format === "v7" ? ["short"] : ["short", long]; // v7 cannot hold a name past 100 bytes
    await execa("tar", [`--format=${format}`, "-cf", f, "-C", join(dir, "src"), ...names]);
    const files = readTar(readFileSync(f)).filter((m) => m.type === "regular file");
    expect(files.map((m) => [m.name, m.data.toString()])).toEqual(names.map((n) => [n, readFileSync(join(dir, "src", n), "utf8")]));
  });

  it("reads a GNU base-256 size field", () => {
    const h = Buffer.alloc(1024);
    h.write("big", 0);
    h.write("0000644\0", 100);
    h[124] = 0x80;
    h.writeUInt32BE(3, 132);
    h.write("0", 156);
    h.write("ustar  \0", 257);
    h.fill(32, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i]!;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    h.write("abc", 512);
    expect(readTar(Buffer.concat([h, Buffer.alloc(1024)])).map((m) => [m.name, m.data.toString()])).toEqual([["big", "abc"]]);
  });

  it("refuses a corrupted header and a truncated body", async () => {
    const f = join(dir, "ok.tar");
    await execa("tar", ["-cf", f, "-C", join(dir, "src"), "short"]);
    const b = readFileSync(f);
    const bad = Buffer.from(b);
    bad[0] = bad[0]! ^ 1;
    expect(() => readTar(bad)).toThrow(/bad header checksum at byte 0/);
    expect(() => readTar(b.subarray(0, 700))).toThrow(/member at byte 0 is truncated/);
  });
});

describe("memberPath", () => {
  it("drops ./ and trailing slashes; names an absolute or .. name", () => {
    expect(memberPath("./etcd/a.db")).toEqual({ path: "etcd/a.db" });
    expect(memberPath("etcd/")).toEqual({ path: "etcd" });
    expect(memberPath("/etc/passwd")).toEqual({ problem: "an absolute name" });
    expect(memberPath("a/../../b")).toEqual({ problem: 'a name with a ".." segment' });
  });
});
