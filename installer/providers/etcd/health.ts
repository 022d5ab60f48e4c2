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
  /** What etcdctl said on stderr, when an endpoint was not healthy. */
  readonly error?: string;
}

/** etcd prints 64-bit ids as JSON numbers; keep them as strings. */
function parseIds(json: string): unknown {
  return JSON.parse(json.replace(/("(?:cluster_id|member_id|leader|ID)":\s*)(\d+)/g, '$1"$2"'));
}

/**
 * The URLs at which a member may answer: its client URL, and during a client
 * port change (a rolling restart) also the old port's, since each member moves
 * only when its own turn comes.
 */
function urlsOf(m: Member, i: Inputs, oldClientPort?: number): string[] {
  const now = clientUrl(m, i);
  return oldClientPort === undefined || oldClientPort === i.clientPort ? [now] : [now, clientUrl(m, { ...i, clientPort: oldClientPort })];
}

/** Health from the anchor; throws when etcdctl itself could not run (SSH, sudo, a missing binary), so waits can say why. */
export async function health(anchor: Transport, members: readonly Member[], i: Inputs, oldClientPort?: number): Promise<Health> {
  const urls = members.flatMap((m) => urlsOf(m, i, oldClientPort));
  const flags = "--command-timeout=3s -w json";
  // `|| true`: an unhealthy endpoint is an answer; only a shell that could not run etcdctl at all (exit 126/127, sudo) is an error.
  const r = await etcdctl(anchor, `endpoint health ${flags} || true; echo '@@'; ${BIN.etcdctl} endpoint status ${flags} 2>/dev/null || true`, { endpoints: urls });
  const tail = r.stderr.trim().split("\n").filter(Boolean).slice(-3).join(" ");
  if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl could not run (exit ${r.code}): ${tail || "no message"}`);
  const [h = "", s = ""] = r.stdout.split("@@");
  const healthyUrls = new Set<string>();
  const errors: string[] = [];
  try {
    for (const e of (JSON.parse(h.trim() || "[]") as { endpoint: string; health: boolean; error?: string }[])) {
      if (e.health) healthyUrls.add(e.endpoint);
      else if (e.error) errors.push(`${e.endpoint}: ${e.error}`);
    }
  } catch { /* nothing parsable: none healthy (the reason is on stderr) */ }
  const leaders = new Set<string>();
  try {
    for (const e of (parseIds(s.trim() || "[]") as { Endpoint: string; Status: { leader: string } }[])) leaders.add(e.Status.leader);
  } catch { /* none */ }
  const up = (m: Member) => urlsOf(m, i, oldClientPort).some((u) => healthyUrls.has(u));
  const healthy = members.filter(up).map((m) => m.name);
  const unhealthy = members.filter((m) => !up(m)).map((m) => m.name);
  const ok = unhealthy.length === 0 && leaders.size === 1 && !leaders.has("0");
  return { healthy, unhealthy, leaders: [...leaders], ok, error: errors.join("; ") || tail || undefined };
}

export interface WaitOptions {
  readonly log: (m: string) => void;
  readonly signal: AbortSignal;
  /** For error messages: each member's transport, to show its etcd log. */
  readonly transportOf: (m: Member) => Transport;
  /** What just happened, for messages ("after adding etcd-3"). */
  readonly step: string;
  /** During a client port change: members not yet restarted still answer on this port. */
  readonly oldClientPort?: number;
}

/** Polls until healthy with one leader, or fails after healthTimeout naming the members, the last real error and their logs. */
export async function waitHealthy(anchor: Transport, members: readonly Member[], i: Inputs, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + i.healthTimeout * 1000;
  let last: Health | undefined;
  let lastError: string | undefined;
  let said = "";
  for (;;) {
    try {
      last = await health(anchor, members, i, o.oldClientPort);
      lastError = last.ok ? undefined : last.error ?? lastError;
    } catch (e) {
      // SSH, sudo or etcdctl failed: keep the cause for the final message instead of "no answer".
      lastError = (e as Error).message;
    }
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
  const cause = lastError ? `\nlast error: ${lastError}` : "";
  throw new Error(`etcd cluster ${i.clusterName} not healthy ${o.step} within ${i.healthTimeout}s (${said || "no answer"})${cause}\n${logs.join("\n")}`);
}
