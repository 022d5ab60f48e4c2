/**
 * Certificate renewal through the real CLI: `up` today, then `preview` and
 * `up` fifteen days from now under faketime (the wall clock moves, the
 * monotonic clock does not, so timeouts still behave).
 */
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, TempProject, type RunResult } from "./cli.js";
import { onPath, run } from "../unit/pki/tools.js";

const DAY = 86_400_000;
const LATER = "+15d";

/** drydock, fifteen days from now. */
async function later(p: TempProject, ...args: string[]): Promise<RunResult> {
  const r = await execa("faketime", ["-f", LATER, process.execPath, BIN, ...args], {
    cwd: p.dir, env: { ...p.env, FAKETIME_DONT_FAKE_MONOTONIC: "1" }, reject: false, stdin: "ignore",
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

async function laterOk(p: TempProject, ...args: string[]): Promise<RunResult> {
  const r = await later(p, ...args);
  if (r.exitCode !== 0) throw new Error(`faketime ${LATER} drydock ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A resource's outputs in the stack's state, by name. */
function outputsOf(p: TempProject, name: string): Record<string, string> {
  const r = p.state().resources.find((x) => x.urn.endsWith(`::${name}`));
  if (!r) throw new Error(`no resource ${name} in state`);
  return r.outputs as Record<string, string>;
}

/** openssl verify of a certificate against a CA as of `at`. */
function verifies(p: TempProject, caPem: string, certPem: string, purpose: string, at: Date): RunResult {
  p.file("ca.pem", caPem).file("cert.pem", certPem);
  const r = run("openssl", ["verify", "-x509_strict", "-purpose", purpose, "-attime", String(Math.floor(at.getTime() / 1000)),
    "-CAfile", `${p.dir}/ca.pem`, `${p.dir}/cert.pem`]);
  return { exitCode: r.code, stdout: r.output, stderr: "" };
}

const missing = ["faketime", "openssl"].filter((t) => !onPath(t));
const describeFaketime = missing.length ? describe.skip : describe;
if (missing.length) console.warn(`SKIP pki renewal through the CLI: ${missing.join(", ")} not on PATH (apt-get install faketime openssl)`);

describeFaketime("pki renewal through the CLI", () => {
  describe("a certificate within renewBefore", () => {
    const p = new TempProject();
    beforeAll(async () => {
      await p.ok("stack", "init", "dev");
      p.program(`import { pki } from "drydock";
const ca = new pki.CertificateAuthority("ca", { commonName: "test-ca" });
const api = new pki.Certificate("api", {
  ca, commonName: "kube-apiserver", usages: ["server"], dnsNames: ["kubernetes"], ipAddresses: ["127.0.0.1"],
  validity: "40d", renewBefore: "30d",
});
export const notAfter = api.notAfter;
`);
    });
    afterAll(() => p.cleanup());

    it("is made by up, and has nothing to do today", async () => {
      const up = await p.ok("up", "--yes");
      expect(up.stdout).toContain("+ 2 created");
      await p.ok("preview", "--expect-no-changes");
    });

    it("fifteen days later, preview plans its renewal and nothing else", async () => {
      const preview = await laterOk(p, "preview");
      expect(preview.stdout).toMatch(/~ {2}drydock:pki:Certificate {2}api {2}update {2}\(renewal: expires \d{4}-\d\d-\d\d \(in 2[45] days, renewBefore 30d\)\)\n/);
      expect(preview.stdout).toMatch(/ {4}drydock:pki:CertificateAuthority {2}ca {2}same {2}\(valid until /);
      expect(preview.stdout).toContain("Resources: ~ 1 to update, 1 unchanged");
      expect((await later(p, "preview", "--expect-no-changes")).exitCode).toBe(1);
    });

    it("fifteen days later, up renews it: a new serial, notAfter fifteen days later, valid for its CA", async () => {
      const before = outputsOf(p, "api");
      const up = await laterOk(p, "up", "--yes");
      expect(up.stdout).toMatch(/~ {2}drydock:pki:Certificate {2}api {2}updated .*\(renewal: expires/);
      expect(up.stdout).toContain("~ 1 updated, 1 unchanged");
      const after = outputsOf(p, "api");
      expect(after.serialNumber).not.toBe(before.serialNumber);
      const moved = Date.parse(after.notAfter!) - Date.parse(before.notAfter!);
      expect(moved).toBeGreaterThan(15 * DAY - 5 * 60_000);
      expect(moved).toBeLessThan(15 * DAY + 5 * 60_000);
      expect((await p.ok("stack", "output", "notAfter")).stdout.trim()).toBe(after.notAfter);
      const v = verifies(p, outputsOf(p, "ca").certPem!, after.certPem!, "sslserver", new Date(Date.now() + 15 * DAY));
      expect(v.exitCode, v.stdout).toBe(0);
    });

    it("fifteen days later, a second preview has nothing to do", async () => {
      const again = await later(p, "preview", "--expect-no-changes");
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain("Resources: 2 unchanged");
      expect(again.stdout).not.toContain("renewal:");
    });
  });

  describe("a CA within renewBefore", () => {
    const p = new TempProject();
    beforeAll(async () => {
      await p.ok("stack", "init", "dev");
      p.program(`import { pki } from "drydock";
const ca = new pki.CertificateAuthority("ca", { commonName: "etcd-ca", validity: "40d", renewBefore: "30d" });
new pki.Certificate("etcd-0", { ca, commonName: "etcd-0", usages: ["peer"], ipAddresses: ["127.0.0.1"], validity: "39d", renewBefore: "10d" });
`);
      await p.ok("up", "--yes");
    });
    afterAll(() => p.cleanup());

    it("is re-signed with its key by up; its certificate is kept and stays valid", async () => {
      const ca = outputsOf(p, "ca");
      const leaf = outputsOf(p, "etcd-0");
      const preview = await laterOk(p, "preview");
      expect(preview.stdout).toMatch(/~ {2}drydock:pki:CertificateAuthority {2}ca {2}update {2}\(renewal: expires .*; same key, so what it signed stays valid\)/);
      const up = await laterOk(p, "up", "--yes");
      expect(up.stdout).toMatch(/~ {2}drydock:pki:Certificate {2}etcd-0 {2}updated .*\(its CA was re-signed: same key, certificate kept\)/);
      const ca2 = outputsOf(p, "ca");
      const leaf2 = outputsOf(p, "etcd-0");
      expect(ca2.serialNumber).not.toBe(ca.serialNumber);
      expect(Date.parse(ca2.notAfter!)).toBeGreaterThan(Date.parse(ca.notAfter!));
      expect(leaf2.serialNumber).toBe(leaf.serialNumber);
      expect(leaf2.certPem).toBe(leaf.certPem);
      expect(leaf2.caCertPem).toBe(ca2.certPem);
      for (const purpose of ["sslserver", "sslclient"]) {
        const v = verifies(p, ca2.certPem!, leaf.certPem!, purpose, new Date(Date.now() + 15 * DAY));
        expect(v.exitCode, v.stdout).toBe(0);
      }
      expect((await later(p, "preview", "--expect-no-changes")).exitCode).toBe(0);
    });
  });
});
