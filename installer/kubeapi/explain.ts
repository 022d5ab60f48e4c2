/**
 * Why an object is not ready, from the cluster's own evidence: its pods' container states (on
 * which node, with the kubelet's message), the last log lines of a crashing container, and the
 * object's and its pods' Warning events.
 */
import type { KubeClient } from "./client.js";
import type { Obj } from "./readiness.js";

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}
export interface PodObj {
  metadata: { name: string; uid: string; creationTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}
interface EventObj { type?: string; reason?: string; message?: string; lastTimestamp?: string; eventTime?: string; involvedObject?: { uid?: string } }

const selectorOf = (o: Obj): string | undefined => {
  if (o.kind === "Pod") return undefined;
  const spec = o.spec ?? {};
  const labels = (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels
    ?? (o.kind === "Service" ? (spec.selector as Record<string, string> | undefined) : undefined)
    ?? (o.kind === "Job" ? { "batch.kubernetes.io/job-name": o.metadata.name } : undefined);
  return labels && Object.keys(labels).length ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",") : undefined;
};

export async function podsOf(client: KubeClient, o: Obj): Promise<PodObj[]> {
  const ns = o.metadata.namespace;
  if (!ns) return [];
  if (o.kind === "Pod") return [o as unknown as PodObj];
  const sel = selectorOf(o);
  if (!sel) return [];
  const list = await client.request<{ items: PodObj[] }>("GET", `/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: sel } });
  return list.items.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
}

async function warnings(client: KubeClient, ns: string, uids: readonly string[]): Promise<string[]> {
  const list = await client.request<{ items: EventObj[] }>("GET", `/api/v1/namespaces/${ns}/events`, { query: { fieldSelector: "type=Warning" } });
  return list.items
    .filter((e) => uids.includes(e.involvedObject?.uid ?? ""))
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
    .slice(-3)
    .map((e) => `${e.reason}: ${e.message?.trim()}`);
}

async function lastLines(client: KubeClient, ns: string, pod: string, container: string, previous = true): Promise<string> {
  const text = await client.request<string>("GET", `/api/v1/namespaces/${ns}/pods/${pod}/log`, { query: { container, previous, tailLines: 5 }, text: true })
    .catch(() => "");
  return text.trim() ? `; last log lines:\n      ${text.trim().split("\n").join("\n      ")}` : "";
}

async function containerProblems(client: KubeClient, ns: string, p: PodObj): Promise<string[]> {
  const out: string[] = [];
  const where = `pod ${p.metadata.name}${p.spec?.nodeName ? ` on node ${p.spec.nodeName}` : ""}`;
  for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    const t = c.state?.terminated;
    if (w?.reason && w.reason !== "ContainerCreating" && w.reason !== "PodInitializing") {
      const logs = w.reason === "CrashLoopBackOff" ? await lastLines(client, ns, p.metadata.name, c.name) : "";
      const exit = c.lastState?.terminated ? ` (last exit ${c.lastState.terminated.exitCode}, ${c.lastState.terminated.reason})` : "";
      out.push(`${w.reason}: ${w.message ?? `container ${c.name}`}${exit} — ${where}, container ${c.name}${logs}`);
    } else if (t && t.exitCode !== 0) {
      out.push(`${t.reason ?? "Terminated"} (exit ${t.exitCode}) — ${where}, container ${c.name}${await lastLines(client, ns, p.metadata.name, c.name, false)}`);
    } else if (!c.ready && c.state?.waiting === undefined && !t) {
      out.push(`${where}: container ${c.name} running but not Ready (readiness probe)`);
    }
  }
  const unscheduled = p.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) out.push(`${where}: not scheduled: ${unscheduled.message ?? unscheduled.reason}`);
  return out;
}

/** A few lines on why `o` is not ready; never throws (the explanation is best effort). */
export async function explain(client: KubeClient, o: Obj): Promise<string> {
  try {
    const ns = o.metadata.namespace;
    const pods = (await podsOf(client, o)).slice(0, 5);
    const lines: string[] = [];
    for (const p of pods) lines.push(...(await containerProblems(client, ns!, p)));
    const conds = ((o.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined) ?? [])
      .filter((c) => (c.status === "False" && !["Progressing"].includes(c.type)) || c.type === "ReplicaFailure")
      .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}${c.message ? `: ${c.message}` : ""}`);
    if (ns) lines.push(...(await warnings(client, ns, [o.metadata.uid ?? "", ...pods.map((p) => p.metadata.uid)])).map((w) => `event ${w}`));
    return [...new Set([...lines, ...conds])].slice(0, 8).join("\n    ");
  } catch (e) {
    return `(could not look at its pods and events: ${(e as Error).message})`;
  }
}

/**
 * The pods behind a ready-looking object, as "pod/container:restarts" for each running, ready
 * container, or why one is not (a container that crashes right after starting looks ready for a
 * moment: two equal snapshots a second apart say it is not restarting).
 */
export async function podSnapshot(client: KubeClient, o: Obj): Promise<{ ok: true; key: string } | { ok: false; why: string }> {
  const pods = (await podsOf(client, o)).filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  const parts: string[] = [];
  for (const p of pods) {
    if (p.status?.phase === "Succeeded") continue;
    for (const c of p.status?.containerStatuses ?? []) {
      if (!c.state?.running || !c.ready) return { ok: false, why: `pod ${p.metadata.name}: container ${c.name} is not running and ready` };
      parts.push(`${p.metadata.name}/${c.name}:${c.restartCount ?? 0}`);
    }
  }
  return { ok: true, key: parts.sort().join(",") };
}
