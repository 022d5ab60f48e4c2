/** A systemd service on a host: its unit in place, started, restarted, asked about, removed. */
import type { Transport } from "../transport/types.js";
import { run, shellQuote } from "../transport/types.js";

/** Where units live; tests pass a folder of their own. */
export const UNIT_DIR = "/etc/systemd/system";

export const unitFile = (name: string, unitDir = UNIT_DIR): string => `${unitDir}/${name}.service`;

const root = { sudo: true } as const;

export interface ServiceState {
  readonly loadState: string;
  readonly activeState: string;
  readonly unitFileState: string;
  readonly invocationId: string;
  readonly activeEnterTimestamp: string;
}

/** What systemd says about the service, in one round trip. */
export async function show(t: Transport, name: string): Promise<ServiceState> {
  const r = await t.exec(`systemctl show -p LoadState -p ActiveState -p UnitFileState -p InvocationID -p ActiveEnterTimestamp -- ${shellQuote(`${name}.service`)}`, { ...root, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${t.name}: systemctl show ${name}.service failed (exit ${r.code}): ${r.stderr.trim()}`);
  const v = Object.fromEntries(r.stdout.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return {
    loadState: v.LoadState ?? "", activeState: v.ActiveState ?? "", unitFileState: v.UnitFileState ?? "",
    invocationId: v.InvocationID ?? "", activeEnterTimestamp: v.ActiveEnterTimestamp ?? "",
  };
}

/** The last lines of the service's journal, for error messages ("" when there is none to be had). */
export async function journalTail(t: Transport, name: string, lines = 15): Promise<string> {
  const r = await t.exec(`journalctl -u ${shellQuote(`${name}.service`)} -n ${lines} --no-pager -o cat 2>&1 || true`, { ...root, timeoutMs: 15_000 }).catch(() => undefined);
  return r?.stdout.trim() ?? "";
}

/**
 * Starts (or restarts) the service, enabled; with `wait` until systemd says
 * it started. A failure carries the journal tail.
 */
export async function startService(t: Transport, name: string, o: { restart: boolean; wait: boolean; timeoutSeconds: number; signal?: AbortSignal }): Promise<void> {
  const unit = shellQuote(`${name}.service`);
  const verb = o.restart ? "restart" : "start";
  const go = `systemctl ${verb}${o.wait ? "" : " --no-block"} -- ${unit}`;
  // A daemon-reload (a fraction of a second, more on a busy host) only when needed: systemd loads a
  // new unit when it is first asked for, and says when one it has loaded changed on disk. A systemd
  // too old to load a new unit by itself refuses the start: then reload and start again.
  const r = await t.exec([
    `if [ "$(systemctl show -p NeedDaemonReload --value -- ${unit})" = yes ]; then systemctl daemon-reload; fi`,
    `systemctl enable --quiet --no-reload -- ${unit}`,
    `{ ${go} 2>/dev/null || { systemctl daemon-reload && ${go}; }; }`,
  ].join(" && "),
    { ...root, timeoutMs: o.timeoutSeconds * 1000, signal: o.signal });
  if (r.code !== 0) {
    const journal = await journalTail(t, name);
    throw new Error(`${t.name}: systemctl ${verb} ${name}.service failed (exit ${r.code}): ${r.stderr.trim()}${journal ? `\n--- journal of ${name}.service on ${t.name}:\n${journal}` : ""}`);
  }
}

/** Stops and disables the service; a unit systemd does not know is already stopped. */
export async function stopService(t: Transport, name: string): Promise<void> {
  const unit = shellQuote(`${name}.service`);
  await run(t, `if [ "$(systemctl show -p LoadState --value -- ${unit})" != not-found ]; then systemctl disable --now --quiet -- ${unit}; fi; systemctl reset-failed -- ${unit} 2>/dev/null || true`,
    { ...root, timeoutMs: 120_000, what: `stopping ${name}.service` });
}

export async function daemonReload(t: Transport): Promise<void> {
  await run(t, "systemctl daemon-reload", { ...root, timeoutMs: 60_000, what: "systemctl daemon-reload" });
}
