/**
 * Waiting on the API: an object until it is ready (per its kind), a kind until it is served, an
 * object until it is gone. Each wait says what it waits for, and its failure says why, from the
 * cluster's own evidence.
 */
import type { Match } from "../../../kubeapi/changes.js";
import { isNotFound } from "../../../kubeapi/errors.js";
import { explain, podSnapshot } from "../../../kubeapi/explain.js";
import { readiness, readinessSource, type Obj, type Readiness } from "../../../kubeapi/readiness.js";
import type { Api } from "./clients.js";
import type { Target } from "./target.js";

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => {
    clearTimeout(t);
    resolve();
  }, { once: true });
});

export interface WaitOptions {
  readonly timeoutS: number;
  readonly signal?: AbortSignal;
  readonly log: (m: string) => void;
}

/** Kinds whose pods are looked at too: ready only when their containers stay up. */
const WITH_PODS = ["Deployment", "StatefulSet", "DaemonSet", "Pod"];
const SETTLE_MS = 1000;

const STAYING = "ready; checking that its containers stay up";

/**
 * Readiness, and for kinds with pods their containers: a container that crashes right after it
 * starts looks ready for a moment, so the same containers must be running and ready, none
 * restarted, twice at least a second apart. `since`: the first such sighting, kept across calls.
 */
async function readyNow(api: Api, live: Obj, since: { key?: string; at?: number }): Promise<Readiness> {
  const r = await readiness(api.client, live);
  if (!r.ready || !WITH_PODS.includes(String(live.kind))) return r;
  const snap = await podSnapshot(api.client, live);
  if (!snap.ok) return { ready: false, waiting: snap.why };
  if (since.key === snap.key && Date.now() - since.at! >= SETTLE_MS) return r;
  if (since.key !== snap.key) Object.assign(since, { key: snap.key, at: Date.now() });
  return { ready: false, waiting: STAYING };
}

/**
 * What to watch for a change that may make the object ready: what its readiness is read from when
 * that is another object (a Service's EndpointSlices), else the object itself, in its collection.
 * `own`: the object's resourceVersion is a place to start that watch from.
 */
function changesOf(t: Target, live: Obj): { collection: string; match: Match; own: boolean } {
  const other = readinessSource(live);
  if (other) return { ...other, own: false };
  return { collection: t.path.slice(0, t.path.lastIndexOf("/")), match: (o) => o.metadata?.name === t.name, own: true };
}

/**
 * Resolves when the object is ready; throws with the reason when it fails or the time is up.
 * It looks again on every change a watch reports, and at the latest after a growing pause.
 */
export async function untilReady(api: Api, t: Target, o: WaitOptions): Promise<Obj> {
  const deadline = Date.now() + o.timeoutS * 1000;
  let last = "";
  const since: { key?: string; at?: number } = {};
  let watched: ReturnType<typeof changesOf> | undefined;
  for (let delay = 250; ; delay = Math.min(delay * 1.5, 2000)) {
    const looked = Date.now();
    const live = await api.client.request<Obj>("GET", t.path);
    const { collection, match, own } = (watched ??= changesOf(t, live));
    const r = await readyNow(api, live, since);
    if (r.ready) return live;
    if (r.waiting !== STAYING) delete since.key;
    if (r.failed || Date.now() >= deadline || o.signal?.aborted) {
      const why = await explain(api.client, live);
      const head = r.failed ? `${t.label} failed: ${r.failed}` : `${t.label} not ready after ${o.timeoutS}s: ${r.waiting}`;
      throw new Error(`${head}${why ? `\n    ${why}` : ""}`);
    }
    if (r.waiting !== last) o.log(`waiting for ${t.label}: ${(last = r.waiting ?? "")}`);
    const left = Math.max(0, deadline - Date.now());
    if (r.waiting === STAYING) await sleep(Math.min(SETTLE_MS / 2, left), o.signal);
    else await api.changes.wait(collection, match, { since: looked, ms: Math.min(delay, left), from: own ? live.metadata.resourceVersion : undefined, signal: o.signal });
  }
}

/** Resolves once `find` gives a value (a kind served, a namespace made), or throws `what` at the deadline. */
export async function until<T>(find: () => Promise<T | undefined>, what: string, o: WaitOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutS * 1000;
  let said = false;
  for (let delay = 250; ; delay = Math.min(delay * 1.5, 2000)) {
    const v = await find();
    if (v !== undefined) return v;
    if (Date.now() >= deadline || o.signal?.aborted) throw new Error(`gave up after ${o.timeoutS}s waiting for ${what}`);
    if (!said) o.log(`waiting for ${what}`);
    said = true;
    await sleep(delay, o.signal);
  }
}

interface Holding { metadata?: { finalizers?: string[]; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string; message?: string }[] } }

/** Resolves once the object is gone; at the deadline, throws naming what still holds it. */
export async function untilGone(api: Api, t: Target, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutS * 1000;
  let said = false;
  for (let delay = 100; ; delay = Math.min(delay * 1.5, 2000)) {
    let live: Holding;
    try {
      live = await api.client.request<Holding>("GET", t.path);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      const fins = live.metadata?.finalizers ?? [];
      const conds = (live.status?.conditions ?? []).filter((c) => c.status === "True" && /Remaining|Failure|Failed/.test(c.type)).map((c) => `${c.type}: ${c.message}`);
      const held = [fins.length ? `finalizers ${fins.join(", ")}` : "", ...conds].filter(Boolean).join("; ");
      throw new Error(`${t.label} still exists ${o.timeoutS}s after its deletion${held ? `, held by: ${held}` : ""}`);
    }
    if (!said) o.log(`waiting for ${t.label} to go`);
    said = true;
    await sleep(delay, o.signal);
  }
}
