/** What drydock does on one member's machine: files in place, the unit started, stopped or wiped, etcdctl run. */
import type { Transport } from "../../transport/types.js";
import { run, shellQuote } from "../../transport/types.js";
import type { ClusterCerts } from "./certs.js";
import { bootstrapEnv, etcdctlEnv, unitFor, type Inputs, type Member } from "./plan.js";

export const PKI_DIR = "/etc/etcd/pki";
export const UNIT = "/etc/systemd/system/etcd.service";
export const BIN = { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" } as const;

export interface Binaries {
  readonly etcd: Buffer;
  readonly etcdctl: Buffer;
}

export interface Bootstrap {
  readonly initialCluster: string;
  readonly state: "new" | "existing";
}

const sudo = { sudo: true, timeoutMs: 120_000 } as const;

/** Exit 47 from a member's preflight: an etcd data directory is already there. */
const HAS_DATA = 47;

/** Refuses a machine that already holds etcd data (never overwrite a cluster by accident). */
export async function preflight(t: Transport, m: Member, i: Inputs): Promise<void> {
  const d = shellQuote(i.dataDir);
  const r = await t.exec(`if [ -d ${d}/member ]; then exit ${HAS_DATA}; fi\ncommand -v systemctl >/dev/null || { echo "systemd is required" >&2; exit 1; }`, sudo);
  if (r.code === HAS_DATA) {
    throw new Error(`member ${m.name} (${t.name}): ${i.dataDir}/member already exists; drydock will not overwrite etcd data (wipe it, or choose another dataDir)`);
  }
  if (r.code !== 0) throw new Error(`member ${m.name} (${t.name}): preflight failed: ${r.stderr.trim()}`);
}

/**
 * Puts binaries, certificates, the unit and etcdctl's settings in place
 * (each a verified upload, skipped when already identical). Returns whether
 * anything the running etcd reads changed.
 */
export async function install(t: Transport, m: Member, i: Inputs, certs: ClusterCerts, bins: Binaries, boot?: Bootstrap): Promise<boolean> {
  await run(t, `mkdir -p ${PKI_DIR} && chmod 0700 /etc/etcd ${PKI_DIR} && mkdir -p ${shellQuote(i.dataDir)} && chmod 0700 ${shellQuote(i.dataDir)}`,
    { ...sudo, what: `member ${m.name}: making directories` });
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

/** Stops etcd and removes everything drydock put there, data included. */
export async function wipe(t: Transport, m: Member, i: Inputs): Promise<void> {
  await run(t, [
    "systemctl disable --now etcd.service 2>/dev/null || true",
    `rm -rf -- ${shellQuote(i.dataDir)} /etc/etcd ${UNIT} ${BIN.etcd} ${BIN.etcdctl} /var/lib/drydock-etcd`,
    "systemctl daemon-reload",
  ].join("\n"), { ...sudo, what: `member ${m.name}: removing etcd` });
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
