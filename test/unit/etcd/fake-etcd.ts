/**
 * A fake etcd cluster behind FakeTransports: one per machine, a shared member
 * list, and one ordered log of what happened where ("etcd-2: restart",
 * "member add etcd-4"), so tests assert the order of steps. Failures are
 * scripted per step.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcd } from "../../../sdk/index.js";
import { FakeTransport } from "../../../installer/transport/fake.js";
import { clusterProvider } from "../../../installer/providers/etcd/cluster.js";
import type { Inputs } from "../../../installer/providers/etcd/plan.js";
import type { Outputs } from "../../../installer/providers/etcd/outputs.js";
import { PartialResultError, type ProviderContext } from "../../../sdk/index.js";
import { expect } from "vitest";

const PIN = `SHA256:${"A".repeat(43)}`;

interface Listed { id: string; name: string; peerUrl: string; clientUrl: string }

export interface Machine {
  readonly t: FakeTransport;
  readonly address: string;
  running: boolean;
  /** The client port etcd listens on while running (read from the unit at each start). */
  clientPort?: number;
  pending: boolean;
  etcMarker?: string;
  dataMarker?: string;
  data: boolean;
  /** Preexisting things drydock did not make. */
  foreignEtc: boolean;
}

/** Artifacts as file:// URLs with their real sha256 (fetchArtifact checks them). */
function artifacts(): { etcd: etcd.ClusterInputs["etcd"]; etcdctl: etcd.ClusterInputs["etcdctl"] } {
  const dir = mkdtempSync(join(tmpdir(), "dd-etcd-unit-"));
  process.env.DRYDOCK_CACHE_DIR = join(dir, "cache");
  const art = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n# fake ${name}\n`);
    const sha256 = createHash("sha256").update(`#!/bin/sh\n# fake ${name}\n`).digest("hex");
    return { name, version: "3.4.23", url: `file://${path}`, sha256 };
  };
  return { etcd: art("etcd"), etcdctl: art("etcdctl") };
}

const ARTS = artifacts();

export class FakeEtcd {
  readonly log: string[] = [];
  readonly machines = new Map<string, Machine>();
  list: Listed[] = [];
  private next = 0x100;
  /** Scripted failures: step text (as in `log`) → what happens instead. */
  readonly fail = new Map<string, "error" | "crash">();

  machine(address: string): Machine {
    let m = this.machines.get(address);
    if (!m) {
      const t = new FakeTransport(`root@${address}`, "root");
      m = { t, address, running: false, pending: false, data: false, foreignEtc: false };
      this.wire(m);
      this.machines.set(address, m);
    }
    return m;
  }

  /** Runs a scripted failure for `step`: "crash" is a transport error (the run dies there), "error" a non-zero exit. */
  private step(step: string): { code: number; stderr: string } | undefined {
    this.log.push(step);
    const f = this.fail.get(step);
    if (f === "crash") throw new Error(`connection lost during ${step}`);
    if (f === "error") return { code: 1, stderr: `scripted failure of ${step}` };
    return undefined;
  }

  private nameOf(m: Machine): string {
    return /--name=(\S+)/.exec(m.t.files.get("/etc/systemd/system/etcd.service")?.content.toString() ?? "")?.[1] ?? "?";
  }

  private wire(m: Machine): void {
    const t = m.t;
    const upload = t.upload.bind(t);
    t.upload = async (content, path, o) => {
      const r = await upload(content, path, o);
      if (path === "/etc/systemd/system/etcd.service" && r.changed) this.log.push(`${this.nameOf(m)}: new unit`);
      return r;
    };
    const stepOn = (cmd: string, step: () => string, then: () => string | void) => {
      const f = this.step(step());
      if (f) return f;
      return { stdout: then() ?? "" };
    };
    // The scripts of earlier versions, so these tests also run against them.
    t.on(/^mkdir -p \/etc\/etcd\/pki/, {});
    t.on(/^systemctl disable --now etcd.service 2>\/dev\/null \|\| true\nrm -rf -- /, (cmd) => stepOn(cmd, () => `${this.nameOf(m)}: wipe`, () => {
      m.running = false; m.data = false; m.pending = false;
    }));
    t.on(/command -v systemctl/, () => {
      const c = /C=([^;\s]+)/.exec(t.calls.at(-1)!.target)?.[1];
      if (m.foreignEtc || (m.etcMarker && m.etcMarker !== c)) return { code: 48 };
      if (m.dataMarker) return { stdout: `ours\n${m.data ? "data\n" : ""}` };
      if (m.data) return { code: 47 };
      return {};
    });
    t.on(/printf 'cluster=/, (cmd) => {
      const c = /C=([^;\s]+)/.exec(cmd)?.[1];
      m.etcMarker = c;
      m.dataMarker ??= c;
      return {};
    });
    t.on(/systemctl start --no-block/, (cmd) => stepOn(cmd, () => `${this.nameOf(m)}: start`, () => this.start(m)));
    t.on(/systemctl restart etcd/, (cmd) => stepOn(cmd, () => `${this.nameOf(m)}: restart`, () => { m.running = false; this.start(m); }));
    t.on(/rm -rf -- "\$D\/member"/, (cmd) => stepOn(cmd, () => `${this.nameOf(m)}: wipe`, () => {
      m.running = false; m.data = false; m.dataMarker = undefined; m.etcMarker = undefined; m.pending = false;
    }));
    t.on(/restart-pending/, (cmd) => {
      if (cmd.startsWith("[ -e")) return { code: m.pending ? 0 : 1 };
      if (cmd.includes("touch")) m.pending = true;
      if (cmd.startsWith("rm -f")) m.pending = false;
      return {};
    });
    t.on(/journalctl/, { stdout: "" });
    t.on(/etcdctl\.env/, (cmd) => this.etcdctl(m, cmd));
  }

  private start(m: Machine): void {
    const unit = m.t.files.get("/etc/systemd/system/etcd.service")!.content.toString();
    m.clientPort = Number(/--advertise-client-urls=https:\/\/[^:]+:(\d+)/.exec(unit)![1]);
    m.running = true;
    m.data = true;
    const name = this.nameOf(m);
    const peer = /--initial-advertise-peer-urls=(\S+)/.exec(unit)![1]!;
    const l = this.list.find((x) => x.peerUrl === peer || x.name === name);
    if (l) Object.assign(l, { name, clientUrl: `https://${m.address}:${m.clientPort}` });
    else this.list.push({ id: (this.next++).toString(16), name, peerUrl: peer, clientUrl: `https://${m.address}:${m.clientPort}` });
  }

  private etcdctl(m: Machine, cmd: string): { code?: number; stdout?: string; stderr?: string } {
    if (!m.running) return { code: 1, stderr: "Error: context deadline exceeded" };
    const add = /member add (\S+) --peer-urls=(\S+)/.exec(cmd);
    if (add) {
      const f = this.step(`member add ${add[1]}`);
      if (f) return f;
      const id = (this.next++).toString(16);
      this.list.push({ id, name: "", peerUrl: add[2]!, clientUrl: "" });
      const cluster = this.list.map((x) => `${x.name || add[1]}=${x.peerUrl}`).join(",");
      return { stdout: `Member ${id} added to cluster\n\nETCD_NAME="${add[1]}"\nETCD_INITIAL_CLUSTER="${cluster}"\nETCD_INITIAL_CLUSTER_STATE="existing"\n` };
    }
    const remove = /member remove (\S+)/.exec(cmd);
    if (remove) {
      const l = this.list.find((x) => x.id === remove[1]);
      const f = this.step(`member remove ${l?.name || `unstarted ${l?.peerUrl}`}`);
      if (f) return f;
      this.list = this.list.filter((x) => x.id !== remove[1]);
      return { stdout: `Member ${remove[1]} removed\n` };
    }
    const update = /member update (\S+) --peer-urls=(\S+)/.exec(cmd);
    if (update) {
      const l = this.list.find((x) => x.id === update[1])!;
      const f = this.step(`member update ${l.name} ${update[2]}`);
      if (f) return f;
      l.peerUrl = update[2]!;
      return { stdout: "updated\n" };
    }
    if (/member list/.test(cmd)) return { stdout: this.list.map((x) => `${x.id}, started, ${x.name}, ${x.peerUrl}, ${x.clientUrl}, false`).join("\n") };
    if (/endpoint health/.test(cmd)) {
      this.log.push("health");
      const urls = /ETCDCTL_ENDPOINTS='?([^'\n]+)/.exec(cmd)![1]!.split(",");
      const live = (u: string) => [...this.machines.values()].some((x) => x.running && `https://${x.address}:${x.clientPort}` === u);
      const h = urls.map((u) => ({ endpoint: u, health: live(u), ...(live(u) ? {} : { error: "context deadline exceeded" }) }));
      const s = urls.filter(live).map((u) => ({ Endpoint: u, Status: { leader: 1 } }));
      return { stdout: `${JSON.stringify(h)}\n@@\n${JSON.stringify(s).replace(/"leader":1/g, '"leader":12345678901234567')}` };
    }
    return { code: 127, stderr: `fake etcd: unknown etcdctl call: ${cmd}` };
  }

  /** Steps of one kind, in order ("restart" → ["etcd-1: restart", …]). */
  only(kind: RegExp): string[] {
    return this.log.filter((l) => kind.test(l));
  }

  provider() {
    return clusterProvider((c) => this.machine(c.host).t, () => new Date("2026-12-05T00:00:00Z"));
  }
}

export const ctx = (lines: string[] = []): ProviderContext => ({ signal: new AbortController().signal, urn: "urn:test::etcd", log: (m) => lines.push(m) });

export function inputs(addresses: readonly string[], extra: Record<string, unknown> = {}): Inputs {
  return etcd.ClusterArgsSchema.parse({
    clusterName: "main", ...ARTS, healthTimeout: 1,
    members: addresses.map((a, k) => ({ name: `etcd-${k + 1}`, connection: { host: a, port: 22, user: "root", hostKeys: [PIN], agent: true } })),
    ...extra,
  });
}

/** A created cluster on fresh fake machines: its provider, world and outputs. */
export async function created(addresses: readonly string[], extra: Record<string, unknown> = {}): Promise<{ w: FakeEtcd; outs: Outputs; i: Inputs }> {
  const w = new FakeEtcd();
  const i = inputs(addresses, extra);
  const r = await w.provider().create(i, ctx());
  w.log.length = 0;
  return { w, outs: r.outs!, i };
}

/** The PartialResultError an update must fail with. */
export async function partial(p: Promise<unknown>): Promise<PartialResultError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(PartialResultError);
  return e as PartialResultError;
}
