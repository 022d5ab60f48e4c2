/**
 * Changes to a live etcd cluster on the lab: a settings change and a port
 * change roll one member at a time with a quorum throughout and no data lost;
 * a replacement without opt-in and a bad dataDir are refused in the plan with
 * nothing touched.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TempProject } from "../cli.js";
import { describeLab, lxc, sweep } from "./env.js";
import { clientFor, countKeys, etcdProject, putKeys, type Client } from "./etcd-env.js";

const PREFIX = "dd-etcdx";
const members = [1, 2, 3].map((i) => `${PREFIX}-${i}`);

/** When each member's etcd last started (the host's monotonic clock, the same for every container), in µs. */
/** When each member's etcd last started (monotonic µs). systemd answers 0 or nothing while busy under load: asked again, briefly. */
async function startTimes(): Promise<number[]> {
  return Promise.all(members.map(async (m) => {
    for (let tries = 1; ; tries++) {
      const t = Number((await lxc("exec", m, "--", "systemctl", "show", "etcd.service", "-p", "ExecMainStartTimestampMonotonic", "--value")).trim());
      if (t > 0 || tries === 10) return t;
      await new Promise((r) => setTimeout(r, 500));
    }
  }));
}

/** Writes a key every 200 ms until stopped; counts the writes that failed (no quorum). */
function writer(c: Client): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  const failed: string[] = [];
  let ok = 0;
  const loop = (async () => {
    for (let k = 0; running; k++) {
      const r = await c.etcdctl(["put", `during-${k}`, "x"]);
      if (r.code === 0) ok++;
      else failed.push(r.stderr.trim());
      await new Promise((res) => setTimeout(res, 200));
    }
  })();
  return { async stop() { running = false; await loop; return { ok, failed }; } };
}

describeLab("etcd.Cluster changes on the lab", (lab) => {
  let p: TempProject;
  let c: Client;

  beforeAll(async () => {
    await sweep(PREFIX);
    p = await etcdProject(lab, PREFIX, "10.216.0.1/24");
    await p.ok("up", "--yes");
    c = await clientFor(p);
    await putKeys(c, 300);
  }, 400_000);

  afterAll(async () => {
    await p?.run("destroy", "--yes");
    p?.cleanup();
    c?.cleanup();
    await sweep(PREFIX);
  }, 240_000);

  it("refuses a dataDir that is not a dedicated directory, naming the field and the value, touching nothing", async () => {
    const before = await startTimes();
    await p.ok("config", "set", "dataDir", "/var/lib");
    const r = await p.run("preview");
    await p.ok("config", "rm", "dataDir");
    expect(r.exitCode).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/✖ dataDir must be a dedicated directory at least two levels under \/var \(e\.g\. \/var\/lib\/etcd\) \(got "\/var\/lib"\) → at etcd-bootstrap\.dataDir/);
    expect(await startTimes()).toEqual(before);
  }, 120_000);

  it("refuses a change that would make a new, empty cluster, in words, touching nothing", async () => {
    const before = await startTimes();
    await p.ok("config", "set", "clusterName", `${PREFIX}-new`);
    const r = await p.run("preview");
    await p.ok("config", "rm", "clusterName");
    expect(r.exitCode, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`changing clusterName ("${PREFIX}" → "${PREFIX}-new") would make a new, empty cluster and lose the old one's data; refused`);
    expect(await startTimes()).toEqual(before);
    expect(await countKeys(c)).toBe(300);
    await p.ok("preview", "--expect-no-changes");
  }, 120_000);

  it("rolls a settings change: every member restarted, one at a time, writes succeeding throughout", async () => {
    const before = await startTimes();
    await p.ok("config", "set", "heartbeatInterval", "150");
    // The plan names each member's restart and the health gate after it, in the order they happen.
    expect((await p.ok("preview")).stdout).toMatch(new RegExp(members.map((m) => `~  drydock:host:Service  etcd-${m}-etcd  update  \\[unit\\]  \\(restart etcd\\.service: its unit changes\\)\n ~  drydock:host:HealthGate  etcd-${m}-ready  update`).join("[^]*")));
    const w = writer(c);
    const up = await p.ok("up", "--yes");
    const writes = await w.stop();
    const after = await startTimes();
    expect(up.stdout).toMatch(new RegExp(members.map((m) => `etcd-${m}-etcd: restarting etcd\\.service[^]*etcd-${m}-ready  updated`).join("[^]*")));
    after.forEach((t, k) => expect(t, members[k]).toBeGreaterThan(before[k]!));
    // One at a time: each restart after the previous one's, well apart (health was checked between).
    expect(after[1]! - after[0]!).toBeGreaterThan(500_000);
    expect(after[2]! - after[1]!).toBeGreaterThan(500_000);
    expect(writes.failed).toEqual([]);
    expect(writes.ok).toBeGreaterThan(3);
    expect((await lxc("exec", members[0]!, "--", "cat", "/etc/systemd/system/etcd.service"))).toContain("--heartbeat-interval=150");
    await p.ok("preview", "--expect-no-changes");
  }, 400_000);

  it("rolls a port change (client and peer) without losing a key, and never replaces the cluster", async () => {
    await p.ok("config", "set", "clientPort", "2479");
    await p.ok("config", "set", "peerPort", "2480");
    const preview = await p.ok("preview");
    for (const m of members) expect(preview.stdout).toMatch(new RegExp(`~  drydock:etcd:Member  etcd-${m}  update .*etcdctl member update`));
    expect(preview.stdout).not.toMatch(/replace/);
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toMatch(/member update/);
    const cn = await clientFor(p);
    try {
      for (const e of cn.endpoints) expect(e).toMatch(/:2479$/);
      expect(await countKeys(cn)).toBe(300);
      const list = await cn.etcdctl(["member", "list", "-w", "simple"]);
      expect(list.stdout.trim().split("\n").map((l) => l.split(", ")[3])).toEqual(expect.arrayContaining([expect.stringMatching(/:2480$/)]));
      expect(list.stdout).not.toMatch(/:2380\b/);
      const h = await cn.etcdctl(["endpoint", "health"]);
      expect(`${h.stdout}${h.stderr}`.match(/is healthy/g), h.stderr).toHaveLength(3);
    } finally {
      cn.cleanup();
    }
    // The data directory kept drydock's marker and etcd's data (no wipe).
    expect((await lxc("exec", members[0]!, "--", "ls", "-A", "/var/lib/etcd")).trim().split("\n").sort()).toEqual([".drydock-etcd", "member"]);
    await p.ok("preview", "--expect-no-changes");
  }, 400_000);
});
