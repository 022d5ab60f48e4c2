/** What drydock does on one member's machine: files in place, the unit started, stopped or wiped, etcdctl run. */
import type { Transport } from "../../transport/types.js";
import { run, shellQuote } from "../../transport/types.js";
import type { ClusterCerts } from "./certs.js";
import { BIN, prepareScript, preflightScript, REFUSED, UNIT, wipeScript } from "./ownership.js";
import { bootstrapEnv, etcdctlEnv, unitFor, type Inputs, type Member } from "./plan.js";

export const PKI_DIR = "/etc/etcd/pki";
export { BIN, UNIT } from "./ownership.js";

export interface Binaries {
  readonly etcd: Buffer;
  readonly etcdctl: Buffer;
}

export interface Bootstrap {
  readonly initialCluster: string;
  readonly state: "new" | "existing";
}

const sudo = { sudo: true, timeoutMs: 120_000 } as const;

/** What preflight found of drydock's own: its markers for this member (a half-installed member), and etcd data under them. */
export interface Found {
  readonly ours: boolean;
  readonly data: boolean;
}

/** Refuses a machine with etcd data, files or a /etc/etcd that drydock did not make for this member (never overwrite by accident). */
export async function preflight(t: Transport, m: Member, i: Inputs, o: { resume?: boolean } = {}): Promise<Found> {
  const r = await t.exec(preflightScript(m, i), sudo);
  const who = `member ${m.name} (${t.name})`;
  if (r.code === REFUSED.data) throw new Error(`${who}: ${i.dataDir}/member already exists; drydock will not overwrite etcd data (wipe it, or choose another dataDir)`);
  if (r.code === REFUSED.etc) throw new Error(`${who}: /etc/etcd already exists and drydock did not make it for cluster ${i.clusterName}; drydock will not overwrite another etcd's configuration (remove it first)`);
  if (r.code === REFUSED.notEmpty) throw new Error(`${who}: dataDir ${i.dataDir} is not empty and drydock did not make it; choose a dedicated, empty directory`);
  if (r.code !== 0) throw new Error(`${who}: preflight failed: ${r.stderr.trim()}`);
  const said = r.stdout.split("\n").map((l) => l.trim());
  const found = { ours: said.includes("ours"), data: said.includes("data") };
  // Data drydock made for this member in a run it never recorded: only a member being resumed may keep it.
  if (found.data && !o.resume) {
    throw new Error(`${who}: ${i.dataDir}/member holds etcd data drydock made for ${m.name} of ${i.clusterName} in an earlier run that did not finish; drydock will not start a new cluster over it (remove ${i.dataDir}/member if that data is not needed)`);
  }
  return found;
}

/**
 * Puts binaries, certificates, the unit and etcdctl's settings in place
 * (each a verified upload, skipped when already identical). Returns whether
 * anything the running etcd reads changed.
 */
export async function install(t: Transport, m: Member, i: Inputs, certs: ClusterCerts, bins: Binaries, boot?: Bootstrap): Promise<boolean> {
  await run(t, prepareScript(m, i), { ...sudo, what: `member ${m.name}: making directories and drydock's markers` });
  const mc = certs.members[m.name]!;
  const files: [string, Buffer | string, string][] = [
    [BIN.etcd, bins.etcd, "0755"],
    [BIN.etcdctl, bins.etcdctl, "0755"],
    [`${PKI_DIR}/ca.crt`, certs.ca.certPem, "0644"],
    [`${PKI_DIR}/server.crt`, mc.server.certPem, "0644"],
    [`${PKI_DIR}/server.key`, mc.server.keyPem, "0600"],
    [`${PKI_DIR}/peer.crt`, mc.peer.certPem, "0644"],
    [`${PKI_DIR}/peer.key`, mc.peer.keyPem, "0600"],
    [`${PKI_DIR}/client.crt`, certs.client.certPem, "0644"],
    [`${PKI_DIR}/client.key`, certs.client.keyPem, "0600"],
    [UNIT, unitFor(m, i), "0644"],
    ["/etc/etcd/etcdctl.env", etcdctlEnv(i), "0644"],
  ];
  if (boot) files.push(["/etc/etcd/bootstrap.env", bootstrapEnv(m, i, boot.initialCluster, boot.state), "0644"]);
  const results = await Promise.all(files.map(([path, content, mode]) =>
    t.upload(content, path, { mode, owner: "root:root", sudo: true, gzip: typeof content !== "string" })));
  // etcdctl and etcdctl.env do not affect the running member.
  return results.some((r, k) => r.changed && files[k]![0] !== BIN.etcdctl && files[k]![0] !== "/etc/etcd/etcdctl.env");
}

/** Starts without waiting: a first member cannot be ready until its peers are up. */
export async function start(t: Transport, m: Member): Promise<void> {
  await run(t, "systemctl daemon-reload && systemctl enable --quiet etcd.service && systemctl start --no-block etcd.service", { ...sudo, what: `member ${m.name}: starting etcd` });
}

/** Restarts and waits until etcd tells systemd it is ready (Type=notify). */
export async function restart(t: Transport, m: Member): Promise<void> {
  await run(t, "systemctl daemon-reload && systemctl restart etcd.service", { ...sudo, what: `member ${m.name}: restarting etcd` });
}

/** Stops etcd and removes what drydock made there (see ownership.ts); returns what it kept, and why. */
export async function wipe(t: Transport, m: Member, i: Inputs): Promise<string[]> {
  const r = await run(t, wipeScript(m, i), { ...sudo, what: `member ${m.name}: removing etcd` });
  return r.stdout.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => `${m.name}: ${l}`);
}

/**
 * Runs etcdctl on the member with its client certificate: mTLS to the local
 * endpoint, or to `endpoints` (etcdctl refuses a flag that shadows its variable).
 */
export function etcdctl(t: Transport, args: string, o: { endpoints?: readonly string[]; timeoutMs?: number } = {}) {
  return withEtcdctlEnv(t, `${BIN.etcdctl} ${args}`, o);
}

/** A script run as root with etcdctl's settings (client certificate, endpoints) exported. */
export function withEtcdctlEnv(t: Transport, script: string, o: { endpoints?: readonly string[]; timeoutMs?: number } = {}) {
  const eps = o.endpoints ? `export ETCDCTL_ENDPOINTS=${shellQuote(o.endpoints.join(","))}\n` : "";
  return t.exec(`set -a; . /etc/etcd/etcdctl.env; set +a\n${eps}${script}`, { sudo: true, timeoutMs: o.timeoutMs ?? 30_000 });
}

/** The last lines of the member's etcd log, for error messages. */
export async function journal(t: Transport, lines = 12): Promise<string> {
  const r = await t.exec(`journalctl -u etcd.service -n ${lines} --no-pager -o cat 2>&1 || true`, { sudo: true, timeoutMs: 15_000 }).catch(() => undefined);
  return r?.stdout.trim() ?? "";
}
