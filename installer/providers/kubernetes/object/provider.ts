/**
 * kubernetes.Object's provider: server-side apply (field manager "drydock"), diffs from a server
 * dry run, drift from refresh, readiness per kind, deletes that wait for finalizers. The object's
 * id is its API server and path.
 */
import { ApiError, isNotFound } from "../../../kubeapi/errors.js";
import type { Obj } from "../../../kubeapi/readiness.js";
import { digestOf } from "../../../util/hash.js";
import { PartialResultError } from "../../../../sdk/index.js";
import { checkWith, containsUnknown, kubernetes, type Connector, type ProviderContext, type ResourceProvider } from "../deps.js";
import { apiFor, type Api } from "./clients.js";
import { apply, cleanObject, ConflictError, isInvalid } from "./apply.js";
import { untilGone, untilReady, until } from "./await.js";
import { diffObjects, project, withoutPaths } from "./paths.js";
import { bodyOf, findTarget, type Target } from "./target.js";
import { schemaProblems } from "./validate.js";

type Inputs = kubernetes.ObjectInputs;
export interface ObjectOutputs extends Inputs {
  readonly object: Obj;
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  /** Digest of the manifest last applied (refresh may change `manifest` to what it saw). */
  readonly appliedDigest: string;
  /** Fields whose live values differ from the applied ones, as the last refresh saw them. */
  readonly drift: string[];
}

const ROLLOUTS = ["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "batch/Job", "/Pod"];
const SERVER_FIELDS = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"];

/** What a dry run is compared on: no status, no server bookkeeping. */
function comparable(o: Obj | undefined): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const { status: _s, ...rest } = o;
  const metadata = Object.fromEntries(Object.entries(o.metadata).filter(([k]) => !SERVER_FIELDS.includes(k)));
  return { ...rest, metadata };
}

const isSecretKind = (m: { apiVersion: string; kind: string }): boolean => m.apiVersion === "v1" && m.kind === "Secret";
const secretMask = (m: { apiVersion: string; kind: string }) => (p: string): boolean => isSecretKind(m) && /^(data|stringData)(\.|$)/.test(p);

/** ignoreChanges paths under the manifest ("manifest.spec.replicas" or "spec.replicas"). */
const ignored = (paths: readonly string[] | undefined): string[] =>
  (paths ?? []).map((p) => p.replace(/^manifest\./, "")).filter((p) => !["access", "force", "waitForReady", "readyTimeout", "deleteTimeout", "defaultNamespace"].includes(p.split(".")[0]!));

/** A Secret's stringData as the server keeps it (base64 in data), so it is compared like for like. */
function seenAsDeclared(manifest: Record<string, unknown>, live: Obj): Record<string, unknown> {
  if (!isSecretKind(manifest as { apiVersion: string; kind: string }) || !manifest.stringData) return live;
  const data = (live.data ?? {}) as Record<string, string>;
  const stringData = Object.fromEntries(Object.keys(manifest.stringData as object).filter((k) => k in data).map((k) => [k, Buffer.from(data[k]!, "base64").toString("utf8")]));
  return { ...live, stringData };
}

const identityOf = (i: Inputs, namespaced: boolean): string =>
  `${i.manifest.apiVersion.split("/").length > 1 ? i.manifest.apiVersion.split("/")[0] : ""}/${i.manifest.kind}/${namespaced ? i.manifest.metadata.namespace ?? i.defaultNamespace : ""}/${i.manifest.metadata.name}`;

function outsOf(i: Inputs, t: Target, live: Obj): ObjectOutputs {
  return {
    ...i, object: cleanObject(live), name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}),
    uid: live.metadata.uid ?? "", appliedDigest: digestOf(i.manifest), drift: [],
  };
}

/** Applies, waiting for the kind to be served and the namespace to exist (they may be made by this same run). */
async function applyNow(api: Api, i: Inputs, ctx: ProviderContext, force: boolean, ignore: readonly string[]): Promise<{ t: Target; live: Obj }> {
  const wait = { timeoutS: i.readyTimeout, signal: ctx.signal, log: (m: string) => ctx.log(m) };
  const t = await until(() => findTarget(api, i), `the API server to serve ${i.manifest.apiVersion} ${i.manifest.kind}`, wait);
  const body = withoutPaths(bodyOf(t, i), ignore);
  for (;;) {
    try {
      return { t, live: await apply(api, t, body, { force, signal: ctx.signal }) };
    } catch (e) {
      const missingNs = e instanceof ApiError && e.code === 404 && t.namespace && /namespaces? "?[^"]*"? not found/.test(e.message);
      if (!missingNs) throw e;
      await until(() => api.client.request("GET", `/api/v1/namespaces/${t.namespace}`).then(() => true, (x: unknown) => (isNotFound(x) ? undefined : Promise.reject(x))),
        `namespace ${t.namespace}`, wait);
    }
  }
}

async function reconcile(i: Inputs, ctx: ProviderContext, connect: Connector, force: boolean, ignore: readonly string[]): Promise<{ id: string; outs: ObjectOutputs }> {
  const api = apiFor(i.access, connect);
  ctx.log(`applying ${i.manifest.kind} ${i.manifest.metadata.name}`);
  const { t, live } = await applyNow(api, i, ctx, force, ignore);
  const outs = outsOf(i, t, live);
  // The id names the object completely: its API server and path.
  const id = `${api.client.server}${t.path}`;
  if (!i.waitForReady) return { id, outs };
  try {
    const waiting = untilReady(api, t, { timeoutS: i.readyTimeout, signal: ctx.signal, log: (m) => ctx.log(m) });
    const ready = await (ctx.idle ? ctx.idle(waiting) : waiting);
    return { id, outs: { ...outs, object: cleanObject(ready) } };
  } catch (e) {
    throw new PartialResultError((e as Error).message, outs as unknown as Record<string, unknown>, id);
  }
}

/** Why the API server would refuse this new object, if it says so; anything else (no server yet, no namespace yet) is not a problem of the object. */
async function dryRunCreate(i: Inputs, connect: Connector): Promise<string | undefined> {
  try {
    const api = apiFor(i.access, connect);
    const t = await findTarget(api, i);
    if (!t) return undefined;
    // A namespace this run makes: nothing in it can be tried yet (and 200 objects need not each be told so).
    if (t.namespace) {
      let seen = api.namespaceSeen.get(t.namespace);
      if (!seen) {
        seen = api.client.request("GET", `/api/v1/namespaces/${t.namespace}`).then(() => true, () => false);
        api.namespaceSeen.set(t.namespace, seen);
      }
      if (!(await seen)) return undefined;
    }
    await apply(api, t, bodyOf(t, i), { force: i.force, dryRun: true });
    return undefined;
  } catch (e) {
    return isInvalid(e) ? (e as Error).message : undefined;
  }
}

/** An up after a refresh that saw drift, with the declaration unchanged, puts the declared values back. */
const restoring = (olds: ObjectOutputs, news: Inputs): boolean => (olds.drift?.length ?? 0) > 0 && digestOf(news.manifest) === olds.appliedDigest;

export function objectProvider(connect: Connector): ResourceProvider<Inputs, ObjectOutputs> {
  return {
    // Two resources with one id are one object (same server, same path): a replacement that keeps
    // the object's identity (replaceOnChanges) must not delete what its create just applied.
    idIsIdentity: true,
    secretOutputs: (secretInputs) => (secretInputs.includes("manifest") ? ["object"] : []),

    async check(olds, news, ctx) {
      const r = checkWith(kubernetes.ObjectArgsSchema, news);
      if (!r.inputs || containsUnknown(r.inputs.manifest)) return r;
      const m = r.inputs.manifest as Record<string, unknown>;
      // A declaration unchanged since it was applied was checked then (a no-op up stays quick); and
      // the plan (a preview, or up's first half) checks what the apply half then applies, which the
      // server validates again (fieldValidation=Strict).
      if (!ctx?.dryRun || (olds && digestOf(olds.manifest) === digestOf(m))) return r;
      const problems = await schemaProblems(m);
      if (!problems.length) {
        // A preview of a new object: the server's dry run, when it can answer, finds what the schema cannot (unknown fields, admission).
        const refused = ctx?.dryRun && !olds && !containsUnknown(r.inputs.access) ? await dryRunCreate(r.inputs, connect) : undefined;
        return refused ? { failures: [{ property: "manifest", reason: refused }] } : r;
      }
      const valueAt = (p: string): unknown => p.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), m);
      const masked = secretMask(r.inputs.manifest);
      return {
        failures: problems.map(([p, reason]) => {
          const v = valueAt(p);
          const got = masked(p) ? "" : v !== undefined && typeof v !== "object" ? ` (got ${JSON.stringify(v)})` : "";
          return { property: p ? `manifest.${p}` : "manifest", reason: `${m.kind} ${reason}${got}` };
        }),
      };
    },

    // Rollouts take seconds to minutes: started first, they overlap the applies of everything else.
    startsEarly: (i) => i.waitForReady && ROLLOUTS.includes(`${i.manifest.apiVersion.split("/").length > 1 ? i.manifest.apiVersion.split("/")[0] : ""}/${i.manifest.kind}`),

    plannedOutputs: (i) => (containsUnknown(i.manifest?.metadata) ? {} : { name: i.manifest.metadata.name, ...(i.manifest.metadata.namespace ? { namespace: i.manifest.metadata.namespace } : {}) }),

    async diff(_id, olds, news, oldInputs, opts) {
      if (containsUnknown(news.manifest) || containsUnknown(news.access)) return { changes: true, note: "some of the object is not known yet" };
      const namespaced = olds.namespace !== undefined;
      if (identityOf(news, namespaced) !== identityOf(oldInputs, namespaced)) return { changes: true, replaces: ["manifest"], note: "another object: the old one is deleted" };
      const declared = digestOf(news.manifest) !== digestOf(oldInputs.manifest) || news.defaultNamespace !== oldInputs.defaultNamespace;
      const restore = restoring(olds, news);
      if (!declared && !restore) {
        const settings = ["force", "waitForReady", "readyTimeout", "deleteTimeout"] as const;
        const viaChanged = digestOf(news.access) !== digestOf(oldInputs.access);
        return settings.some((k) => news[k] !== oldInputs[k]) || viaChanged ? { changes: true, note: "settings only" } : { changes: false };
      }
      try {
        const api = apiFor(news.access, connect);
        const t = await findTarget(api, news);
        if (!t) return { changes: true, note: `${news.manifest.apiVersion} ${news.manifest.kind} is not served (yet): no server dry run` };
        const live = await api.client.request<Obj>("GET", t.path).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
        const body = withoutPaths(bodyOf(t, news), live ? ignored(opts?.ignoreChanges) : []);
        const result = await apply(api, t, body, { force: news.force || restore, dryRun: true });
        const detailedDiff = diffObjects(comparable(live), comparable(result), secretMask(news.manifest));
        const note = !live ? "gone from the cluster: made again" : restore ? "puts back what the program declares (drift seen by refresh)" : detailedDiff.length ? undefined : "no field changes on the server";
        return { changes: true, detailedDiff, ...(note ? { note } : {}) };
      } catch (e) {
        if (e instanceof ConflictError || isInvalid(e)) throw e;
        return { changes: true, note: `no server dry run: ${(e as Error).message}` };
      }
    },

    create: (i, ctx) => reconcile(i, ctx, connect, i.force, []),

    async update(_id, olds, news, ctx) {
      return reconcile(news, ctx, connect, news.force || restoring(olds, news), ignored(ctx.ignoreChanges));
    },

    async read(id, props, inputs, ctx) {
      const i = inputs;
      const api = apiFor(i.access, connect);
      const t = await findTarget(api, i);
      if (!t) return undefined; // the server answered that it no longer serves the kind
      let live: Obj;
      try {
        live = await api.client.request<Obj>("GET", t.path, { signal: ctx.signal });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      const manifest = i.manifest as Record<string, unknown>;
      const seen = project(manifest, seenAsDeclared(manifest, live)) as Inputs["manifest"];
      const drift = diffObjects(withoutPaths(manifest, ignored(ctx.ignoreChanges)), withoutPaths(seen as Record<string, unknown>, ignored(ctx.ignoreChanges))).map((d) => d.path);
      return { id, props: { ...props, object: cleanObject(live), uid: live.metadata.uid ?? "", drift }, inputs: { ...i, manifest: seen } };
    },

    async delete(_id, props, ctx, inputs) {
      const api = apiFor(inputs?.access ?? props.access, connect);
      const t = await findTarget(api, props);
      if (!t) return;
      ctx.log(`deleting ${t.label}`);
      try {
        await api.client.request("DELETE", t.path, { query: { propagationPolicy: "Background" } });
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      const gone = untilGone(api, t, { timeoutS: props.deleteTimeout, signal: ctx.signal, log: (m) => ctx.log(m) });
      await (ctx.idle ? ctx.idle(gone) : gone);
    },
  };
}
