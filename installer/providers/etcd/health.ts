/** Cluster health as etcdctl reports it from one member: every endpoint healthy and all agreeing on one leader. */
import type { Transport } from "../../transport/types.js";
import { BIN, etcdctl, journal } from "./remote.js";
import { clientUrl, type Inputs, type Member } from "./plan.js";

export interface Health {
  /** Member names whose endpoint answered a quorum read. */
  readonly healthy: readonly string[];
  readonly unhealthy: readonly string[];
  /** Distinct leader ids the members reported (0 = none). */
  readonly leaders: readonly string[];
  readonly ok: boolean;
}

/** etcd prints 64-bit ids as JSON numbers; keep them as strings. */
function parseIds(json: string): unknown {
  return JSON.parse(json.replace(/("(?:cluster_id|member_id|leader|ID)":\s*)(\d+)/g, '$1"$2"'));
}

export async function health(anchor: Transport, members: readonly Member[], i: Inputs): Promise<Health> {
  const urls = members.map((m) => clientUrl(m, i));
  const flags = "--command-timeout=3s -w json";
  const r = await etcdctl(anchor, `endpoint health ${flags} 2>/dev/null; echo '@@'; ${BIN.etcdctl} endpoint status ${flags} 2>/dev/null; true`, { endpoints: urls });
  const [h = "", s = ""] = r.stdout.split("@@");
  const healthyUrls = new Set<string>();
  try {
    for (const e of (JSON.parse(h.trim() || "[]") as { endpoint: string; health: boolean }[])) if (e.health) healthyUrls.add(e.endpoint);
  } catch { /* nothing parsable: none healthy */ }
  const leaders = new Set<string>();
  try {
    for (const e of (parseIds(s.trim() || "[]") as { Endpoint: string; Status: { leader: string } }[])) leaders.add(e.Status.leader);
  } catch { /* none */ }
  const healthy = members.filter((m) => healthyUrls.has(clientUrl(m, i))).map((m) => m.name);
  const unhealthy = members.filter((m) => !healthyUrls.has(clientUrl(m, i))).map((m) => m.name);
  const ok = unhealthy.length === 0 && leaders.size === 1 && !leaders.has("0");
  return { healthy, unhealthy, leaders: [...leaders], ok };
}

export interface WaitOptions {
  readonly log: (m: string) => void;
  readonly signal: AbortSignal;
  /** For error messages: each member's transport, to show its etcd log. */
  readonly transportOf: (m: Member) => Transport;
  /** What just happened, for messages ("after adding etcd-3"). */
  readonly step: string;
}

/** Polls until healthy with one leader, or fails after healthTimeout naming the members and their logs. */
export async function waitHealthy(anchor: Transport, members: readonly Member[], i: Inputs, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + i.healthTimeout * 1000;
  let last: Health | undefined;
  let said = "";
  for (;;) {
    last = await health(anchor, members, i).catch(() => last);
    if (last?.ok) return;
    const now = last
      ? `${last.healthy.length}/${members.length} healthy${last.unhealthy.length ? `; waiting for ${last.unhealthy.join(", ")}` : ""}${last.leaders.length !== 1 || last.leaders.includes("0") ? "; no single leader yet" : ""}`
      : "no answer yet";
    if (now !== said) o.log(`waiting for ${members.length} etcd member${members.length === 1 ? "" : "s"} healthy with one leader ${o.step}: ${now}`);
    said = now;
    if (o.signal.aborted || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const bad = members.filter((m) => !last || last.unhealthy.includes(m.name));
  const logs = await Promise.all(bad.map(async (m) => `--- ${m.name} (${o.transportOf(m).name}) etcd log:\n${await journal(o.transportOf(m))}`));
  throw new Error(`etcd cluster ${i.clusterName} not healthy ${o.step} within ${i.healthTimeout}s (${said || "no answer"})\n${logs.join("\n")}`);
}
