/**
 * The preflight, install and wipe scripts, run for real by /bin/sh in a
 * sandbox: system paths are moved under a temporary root and systemctl is a stub.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExecResult, Transport, UploadResult } from "../../../installer/transport/types.js";
import type { ClusterCerts } from "../../../installer/providers/etcd/certs.js";
import { install, preflight, wipe } from "../../../installer/providers/etcd/remote.js";
import type { Inputs } from "../../../installer/providers/etcd/plan.js";
import { inputs } from "./fake-etcd.js";

let root: string;

/** Runs commands with sh, system paths rewritten under `root`. */
function sandbox(): Transport {
  const moved = (s: string) => s.replace(/(^|[\s'"=])\/(etc\/|usr\/local\/bin\/|var\/lib\/drydock-etcd)/g, `$1${root}/$2`);
  const env = { ...process.env, PATH: `${root}/bin:${process.env.PATH}` };
  return {
    name: "root@sandbox",
    async exec(command: string): Promise<ExecResult> {
      try {
        const stdout = execFileSync("sh", ["-c", moved(command)], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return { code: 0, stdout, stderr: "" };
      } catch (e) {
        const x = e as { status: number; stdout: string; stderr: string };
        return { code: x.status, stdout: x.stdout, stderr: x.stderr };
      }
    },
    async upload(content: Buffer | string, path: string): Promise<UploadResult> {
      const p = moved(path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return { changed: true, sha256: "" };
    },
    async hostKey() { return ""; },
    async readFile() { return undefined; },
  };
}

const pair = { certPem: "c", keyPem: "k", notAfter: "2030-01-01T00:00:00Z" };
const certs: ClusterCerts = { ca: { certPem: "ca", keyPem: "cak" }, ownCa: true, client: pair, members: { "etcd-1": { address: "10.0.0.1", server: pair, peer: pair } } };
const bins = { etcd: Buffer.from("e"), etcdctl: Buffer.from("c") };

let i: Inputs;
let t: Transport;
let data: string;
const m = () => i.members[0]!;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dd-etcd-own-"));
  mkdirSync(join(root, "bin"));
  writeFileSync(join(root, "bin", "systemctl"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(root, "bin", "systemctl"), 0o755);
  data = join(root, "data", "etcd");
  i = { ...inputs(["10.0.0.1"]), dataDir: data };
  t = sandbox();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("what drydock owns on a member's machine", () => {
  it("a dataDir that was there before is not chmod'ed, and a wipe keeps it and what drydock did not make", async () => {
    mkdirSync(data, { recursive: true, mode: 0o755 });
    chmodSync(data, 0o755);
    await preflight(t, m(), i);
    await install(t, m(), i, certs, bins);
    expect(statSync(data).mode & 0o777).toBe(0o755);
    mkdirSync(join(data, "member", "wal"), { recursive: true });
    writeFileSync(join(data, "lost+found"), "the admin's");
    const kept = await wipe(t, m(), i);
    expect(existsSync(join(data, "member"))).toBe(false);
    expect(readFileSync(join(data, "lost+found"), "utf8")).toBe("the admin's");
    expect(existsSync(join(data, ".drydock-etcd"))).toBe(false);
    expect(kept).toEqual([]);
    expect(existsSync(join(root, "etc", "etcd"))).toBe(false);
  });

  it("a dataDir drydock made is 0700 and removed by the wipe", async () => {
    await install(t, m(), i, certs, bins);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    mkdirSync(join(data, "member", "snap"), { recursive: true });
    expect(await wipe(t, m(), i)).toEqual([]);
    expect(existsSync(data)).toBe(false);
  });

  it("a wipe without drydock's marker removes nothing and says what it kept", async () => {
    mkdirSync(join(data, "member"), { recursive: true });
    mkdirSync(join(root, "etc", "etcd"), { recursive: true });
    const kept = await wipe(t, m(), i);
    expect(existsSync(join(data, "member"))).toBe(true);
    expect(existsSync(join(root, "etc", "etcd"))).toBe(true);
    expect(kept).toEqual([
      `etcd-1: kept ${data}: it has no drydock marker for member etcd-1 of main`,
      "etcd-1: kept /etc/etcd, the unit and the binaries: no drydock marker for main".replace("/etc/etcd", `${root}/etc/etcd`),
    ]);
  });

  it("preflight refuses a /etc/etcd and a non-empty dataDir drydock did not make", async () => {
    mkdirSync(join(root, "etc", "etcd"), { recursive: true });
    await expect(preflight(t, m(), i)).rejects.toThrow("member etcd-1 (root@sandbox): /etc/etcd already exists and drydock did not make it for cluster main");
    rmSync(join(root, "etc", "etcd"), { recursive: true });
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "notes"), "x");
    await expect(preflight(t, m(), i)).rejects.toThrow(`dataDir ${data} is not empty and drydock did not make it`);
  });

  it("preflight tolerates a member drydock half-installed only when resuming it", async () => {
    await install(t, m(), i, certs, bins);
    expect(await preflight(t, m(), i)).toEqual({ ours: true, data: false });
    mkdirSync(join(data, "member"));
    await expect(preflight(t, m(), i)).rejects.toThrow(/holds etcd data drydock made for etcd-1 of main in an earlier run that did not finish/);
    expect(await preflight(t, m(), i, { resume: true })).toEqual({ ours: true, data: true });
  });
});
