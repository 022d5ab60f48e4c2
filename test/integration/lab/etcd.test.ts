/**
 * etcd on the lab, for real: the etcd-cluster example brings up three LXD
 * instances and a 3-member etcd with mTLS on both ports; etcdctl on this
 * machine checks it from outside. Then: a member killed and brought back,
 * 3 → 5 → 3 members, a backup, and a restore onto three new instances.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { issueCa, issueLeaf } from "../../../installer/pki/issue.js";
import type { TempProject } from "../cli.js";
import { describeLab, lxc, lxcNames, sweep } from "./env.js";
import { clientFor, countKeys, etcdProject, memberNames, openssl, putKeys, type Client } from "./etcd-env.js";

const PREFIX = "dd-etcd";
const RESTORED = "dd-etcr";
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

describeLab("etcd.Cluster on the lab", (lab) => {
  let p: TempProject;
  let c: Client;
  let restored: TempProject | undefined;
  const tmp = mkdtempSync(join(tmpdir(), "drydock-etcd-test-"));
  const backup = join(tmp, "backup.tar");

  beforeAll(async () => {
    await sweep(PREFIX);
    await sweep(RESTORED);
    p = await etcdProject(lab, PREFIX, "10.213.0.1/24");
  }, 60_000);

  afterAll(async () => {
    for (const q of [p, restored]) {
      if (!q) continue;
      await q.run("destroy", "--yes");
      q.cleanup();
    }
    c?.cleanup();
    await sweep(PREFIX);
    await sweep(RESTORED);
    rmSync(tmp, { recursive: true, force: true });
  }, 240_000);

  it("brings up three members that answer only clients with a certificate from the cluster's CA", async () => {
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toMatch(/\+ {2}drydock:etcd:Cluster {2}etcd {2}created/);
    c = await clientFor(p);
    expect(c.endpoints).toHaveLength(3);

    const healthy = await c.etcdctl(["endpoint", "health"]);
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(`${healthy.stdout}${healthy.stderr}`.match(/is healthy/g)).toHaveLength(3);

    const anonymous = await c.etcdctl(["endpoint", "health"], { cert: "none" });
    expect(anonymous.code).not.toBe(0);
    expect(`${anonymous.stdout}${anonymous.stderr}`).not.toMatch(/is healthy/);

    // A client certificate from another CA, with the same name as the real one.
    const now = new Date();
    const otherCa = await issueCa({ commonName: `${PREFIX}-etcd-ca`, algorithm: "ecdsa-p256", validityMs: 864e5, now });
    const other = await issueLeaf({ ca: otherCa, commonName: `${PREFIX}-client`, usages: ["client"], algorithm: "ecdsa-p256", validityMs: 864e5, now });
    writeFileSync(join(tmp, "other.pem"), other.certPem);
    writeFileSync(join(tmp, "other.key"), other.keyPem, { mode: 0o600 });
    const foreign = await c.etcdctl(["endpoint", "health"], { cert: { cert: join(tmp, "other.pem"), key: join(tmp, "other.key") } });
    expect(foreign.code).not.toBe(0);
    expect(`${foreign.stdout}${foreign.stderr}`).not.toMatch(/is healthy/);

    expect(await memberNames(c)).toEqual(names(PREFIX, 3));
    await p.ok("preview", "--expect-no-changes");
    // Every key (the CA's, the members', the client's) is encrypted in state.
    expect(readFileSync(p.statePath("dev", "etcd-cluster"), "utf8")).not.toContain("PRIVATE KEY");
  }, 300_000);

  it("gives each member certificates that pass openssl verify -x509_strict, with its address in the SANs", async () => {
    const addresses = JSON.parse((await p.ok("stack", "output", "addresses", "--json")).stdout) as string[];
    for (const [i, name] of names(PREFIX, 3).entries()) {
      for (const [file, purposes] of [["server.crt", ["sslserver", "sslclient"]], ["peer.crt", ["sslserver", "sslclient"]]] as const) {
        const pem = await lxc("file", "pull", `${name}/etc/etcd/pki/${file}`, "-");
        writeFileSync(join(tmp, file), pem);
        for (const purpose of purposes) {
          const v = await openssl(["verify", "-x509_strict", "-purpose", purpose, "-CAfile", join(c.dir, "ca.pem"), join(tmp, file)]);
          expect(v.out, `${name} ${file} ${purpose}`).toMatch(/: OK/);
        }
        const san = await openssl(["x509", "-in", join(tmp, file), "-noout", "-ext", "subjectAltName"]);
        expect(san.out).toContain(`IP Address:${addresses[i]}`);
        expect(san.out).toContain(`DNS:${name}`);
      }
      // Private keys are root's alone.
      expect((await lxc("exec", name, "--", "stat", "-c", "%a %U", "/etc/etcd/pki/server.key", "/etc/etcd/pki/peer.key")).trim().split("\n")).toEqual(["600 root", "600 root"]);
    }
  }, 120_000);

  it("keeps serving 1,000 keys with one member killed, and the member rejoins when it is back", async () => {
    await putKeys(c, 1000);
    expect(await countKeys(c)).toBe(1000);
    const victim = `${PREFIX}-2`;
    // No restart by systemd while it is down: a runtime drop-in, gone at the next reboot.
    await lxc("exec", victim, "--", "sh", "-c",
      "mkdir -p /run/systemd/system/etcd.service.d && printf '[Service]\\nRestart=no\\n' > /run/systemd/system/etcd.service.d/hold.conf && systemctl daemon-reload && systemctl kill -s SIGKILL etcd.service");
    const down = c.endpoints[1]!;
    const others = c.endpoints.filter((e) => e !== down);
    await expect.poll(async () => (await c.etcdctl(["endpoint", "health"], { endpoints: [down] })).code, { timeout: 10_000 }).not.toBe(0);
    // Still a quorum: reads and writes go on.
    await putKeys(c, 1, "while-down-");
    expect(await countKeys(c, "key-", others)).toBe(1000);

    await lxc("exec", victim, "--", "sh", "-c", "rm -rf /run/systemd/system/etcd.service.d && systemctl daemon-reload && systemctl start etcd.service");
    await expect.poll(async () => (await c.etcdctl(["endpoint", "health"])).code, { timeout: 30_000, interval: 500 }).toBe(0);
    // It caught up: its own (serializable) read has what was written while it was down.
    expect(await countKeys(c, "while-down-", [down], "s")).toBe(1);
    expect(await countKeys(c, "key-", [down], "s")).toBe(1000);
  }, 120_000);

  it("scales 3 → 5 → 3, healthy after every step, the member list matching the program", async () => {
    for (const n of [5, 3]) {
      await p.ok("config", "set", "members", String(n));
      const preview = await p.ok("preview");
      // Per member, the plan shows its own steps: made (5) or taken away (3).
      for (const k of n === 5 ? [4, 5] : []) expect(preview.stdout).toMatch(new RegExp(`\\+  drydock:etcd:Member  etcd-${PREFIX}-${k}  create`));
      for (const k of n === 3 ? [4, 5] : []) expect(preview.stdout).toMatch(new RegExp(`-  drydock:etcd:Voter  etcd-${PREFIX}-${k}-voter  delete`));
      await p.ok("up", "--yes");
      const cn = await clientFor(p);
      try {
        expect(await memberNames(cn)).toEqual(names(PREFIX, n));
        const h = await cn.etcdctl(["endpoint", "health"]);
        expect(`${h.stdout}${h.stderr}`.match(/is healthy/g), h.stderr).toHaveLength(n);
        expect(await countKeys(cn)).toBe(1000);
      } finally {
        cn.cleanup();
      }
      expect(await lxcNames("list", PREFIX)).toEqual(names(PREFIX, n).sort());
      await p.ok("preview", "--expect-no-changes");
    }
  }, 600_000);

  it("a two-member scale-out that fails on the second member keeps the first in state and in etcd; the next run finishes it", async () => {
    // Machines 4 and 5 first, etcd still on 3; then etcd data that is not drydock's in member 5's dataDir.
    // (A failure in member 5's own chain: a run stops starting new steps at its first failure, so one
    // that fails before member 4 has joined, such as member 5's files, would stop member 4 too.)
    await p.ok("config", "set", "members", "5");
    await p.ok("config", "set", "etcdMembers", "3");
    await p.ok("up", "--yes");
    await lxc("exec", `${PREFIX}-5`, "--", "sh", "-c", "mkdir -p /var/lib/etcd/member/wal");
    await p.ok("config", "set", "etcdMembers", "5");
    const failed = await p.run("up", "--yes");
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(`member ${PREFIX}-5`);
    expect(failed.stderr).toContain("/var/lib/etcd/member already exists; drydock will not overwrite etcd data");
    const c4 = await clientFor(p);
    try {
      // Member 4 joined and is healthy; member 5 was never added.
      expect(await memberNames(c4)).toEqual(names(PREFIX, 4));
    } finally {
      c4.cleanup();
    }
    const types = p.state("dev", "etcd-cluster").resources.map((r) => r.urn.split("::").pop());
    expect(types).toEqual(expect.arrayContaining([`etcd-${PREFIX}-4`, `etcd-${PREFIX}-4-voter`, `etcd-${PREFIX}-4-ready`]));
    expect(types).not.toContain(`etcd-${PREFIX}-5`);
    // The next run continues from there: only member 5's steps are left.
    await lxc("exec", `${PREFIX}-5`, "--", "rm", "-rf", "/var/lib/etcd");
    const preview = await p.ok("preview");
    expect(preview.stdout).not.toMatch(new RegExp(`etcd-${PREFIX}-4 +create`));
    expect(preview.stdout).toMatch(new RegExp(`\\+  drydock:etcd:Member  etcd-${PREFIX}-5  create`));
    await p.ok("up", "--yes");
    const c5 = await clientFor(p);
    try {
      expect(await memberNames(c5)).toEqual(names(PREFIX, 5));
      expect(await countKeys(c5)).toBe(1000);
    } finally {
      c5.cleanup();
    }
    await p.ok("config", "rm", "etcdMembers");
    await p.ok("config", "set", "members", "3");
    await p.ok("up", "--yes");
    await p.ok("preview", "--expect-no-changes");
  }, 600_000);

  it("backs up, and `backup verify` names the file whose checksum fails in a corrupted copy", async () => {
    const b = await p.ok("backup", "--out", backup);
    expect(b.stdout).toMatch(/etcd\/dd-etcd\.db/);
    expect((await p.ok("backup", "verify", backup)).stdout).toMatch(/OK/);
    expect((readFileSync(backup).length)).toBeGreaterThan(0);

    // Flip one byte of the snapshot inside a copy of the archive.
    const x = join(tmp, "x");
    await execa("mkdir", ["-p", x]);
    await execa("tar", ["-xf", backup, "-C", x]);
    const db = join(x, "etcd", "dd-etcd.db");
    const bytes = readFileSync(db);
    bytes[4096] = bytes[4096]! ^ 0xff;
    writeFileSync(db, bytes);
    const bad = join(tmp, "corrupt.tar");
    await execa("tar", ["-cf", bad, "-C", x, "."]);
    const v = await p.run("backup", "verify", bad);
    expect(v.exitCode).toBe(1);
    expect(v.stderr).toMatch(/etcd\/dd-etcd\.db: sha256 mismatch: manifest says [0-9a-f]{64}, file has [0-9a-f]{64}/);
  }, 120_000);

  it("restores the backup onto three new instances (new names, new addresses): all 1,000 keys are there", async () => {
    await p.ok("destroy", "--yes");
    expect(await lxcNames("list", PREFIX)).toEqual([]);

    restored = await etcdProject(lab, RESTORED, "10.214.0.1/24", { restoreFrom: backup });
    const up = await restored.ok("up", "--yes");
    for (const m of names(RESTORED, 3)) expect(up.stdout).toMatch(new RegExp(`member ${m}: restoring ${backup.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const cr = await clientFor(restored);
    try {
      for (const e of cr.endpoints) expect(e).toMatch(/^https:\/\/10\.214\.0\.\d+:2379$/);
      expect(await memberNames(cr)).toEqual(names(RESTORED, 3));
      expect(await countKeys(cr)).toBe(1000);
      expect(await countKeys(cr, "while-down-")).toBe(1);
      const h = await cr.etcdctl(["endpoint", "health"]);
      expect(`${h.stdout}${h.stderr}`.match(/is healthy/g)).toHaveLength(3);
    } finally {
      cr.cleanup();
    }
    // restoreFrom matters only at creation: nothing to do now.
    await restored.ok("preview", "--expect-no-changes");
  }, 300_000);
});
