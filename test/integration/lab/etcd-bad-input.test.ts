/**
 * Bad etcd and PKI input: refused in the plan (exit 2) or before any host is
 * touched, each error naming the field; nothing written on the machine.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeBackup } from "../../../installer/backup/archive.js";
import { TempProject } from "../cli.js";
import { describeLab, labProgram } from "./env.js";

const sha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

describeLab("bad etcd input", (lab) => {
  const p = new TempProject("bad-etcd");
  const tmp = mkdtempSync(join(tmpdir(), "drydock-etcd-bad-"));
  // A second login on the same sshd: another machine as far as drydock can tell, so only the rule under test fails.
  const header = `import { etcd, pki } from "drydock";
const other = { host: ${JSON.stringify(lab.host)}, port: ${lab.port}, user: ${JSON.stringify(lab.pwUser)}, password: "unused", hostKeys: [${JSON.stringify(lab.hostKey)}] };
const bin = (name: string, sha256: string) => ({ name, version: "3.4.23", url: "file:///usr/bin/" + name, sha256 });
const binaries = { etcd: bin("etcd", ${JSON.stringify(sha("/usr/bin/etcd"))}), etcdctl: bin("etcdctl", ${JSON.stringify(sha("/usr/bin/etcdctl"))}) };
`;
  const program = (body: string) => labProgram(lab, `${header}${body}`);

  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => {
    p.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function refused(body: string, code = 2): Promise<string> {
    p.program(program(body));
    const r = await p.run("up", "--yes");
    expect(r.exitCode, r.stdout + r.stderr).toBe(code);
    // Nothing of the cluster was made: no member, no files, no service (the component itself is bookkeeping).
    const made = p.exists(".drydock/stacks/bad-etcd/dev.json") ? p.state("dev", "bad-etcd").resources.filter((x) => x.urn.includes("drydock:etcd:Cluster$")) : [];
    expect(made).toEqual([]);
    // The lab's SSH host is this machine: nothing of etcd's may have been written here.
    expect(existsSync("/usr/local/bin/etcd") || existsSync("/etc/etcd")).toBe(false);
    return r.stdout + r.stderr;
  }

  it("refuses an even member count unless forced", async () => {
    const out = await refused(`new etcd.Cluster("e", { ...binaries, members: [
      { name: "a", host, address: "10.99.0.1" }, { name: "b", host: other, address: "10.99.0.2" }] });`);
    expect(out).toMatch(/✖ 2 members is an even count.* → at e-bootstrap\.members/);
    expect(out).toContain("allowEvenMembers");
  });

  it("refuses the same host twice, naming both members", async () => {
    const out = await refused(`new etcd.Cluster("e", { ...binaries, members: [
      { name: "a", host, address: "10.99.0.1" }, { name: "b", host, address: "10.99.0.2" }, { name: "c", host: other, address: "10.99.0.3" }] });`);
    expect(out).toMatch(/host drydock-lab@127\.0\.0\.1:2222 is also members\[0\]'s → at e-bootstrap\.members\[1\]\.host/);
  });

  it("refuses a certificate without a CA", async () => {
    const out = await refused(`new pki.Certificate("leaf", { commonName: "x", usages: ["client"] } as never);`);
    expect(out).toMatch(/expected object, received undefined → at leaf\.ca\b/);
  });

  it("refuses an artifact whose sha256 does not match before touching any host", async () => {
    const out = await refused(`new etcd.Cluster("e", { ...binaries, etcd: bin("etcd", "${"0".repeat(64)}"), members: [
      { name: "solo", host, address: "127.0.0.1" }] });`, 1);
    expect(out).toMatch(/artifact etcd 3\.4\.23 \(file:\/\/\/usr\/bin\/etcd\): sha256 mismatch: expected 0{64}, got [0-9a-f]{64}; nothing was uploaded/);
  });

  it("refuses to restore from a corrupted backup, naming the file whose checksum fails", async () => {
    const body = Buffer.alloc(2048, 0x61);
    body.write("DRYDOCK-TEST-MARKER", 0);
    const snapshot = Buffer.concat([body, createHash("sha256").update(body).digest()]);
    const file = join(tmp, "corrupt.tar");
    await writeBackup(file, { project: "x", stack: "dev", createdAt: new Date().toISOString(), drydockVersion: "0.1.0",
      etcd: [{ urn: "urn:x", clusterName: "old", file: "etcd/old.db", members: ["m1"], takenFrom: "m1" }] }, { "etcd/old.db": snapshot });
    const tar = readFileSync(file);
    const at = tar.indexOf("DRYDOCK-TEST-MARKER") + 100;
    tar[at] = tar[at]! ^ 0xff;
    writeFileSync(file, tar);
    const out = await refused(`new etcd.Cluster("e", { ...binaries, restoreFrom: ${JSON.stringify(file)}, members: [
      { name: "solo", host, address: "127.0.0.1" }] });`);
    expect(out).toContain("restoreFrom.file");
    expect(out).toMatch(/etcd\/old\.db: sha256 mismatch: manifest says [0-9a-f]{64}, file has [0-9a-f]{64}/);
  });
});
