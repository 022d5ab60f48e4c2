/**
 * kubernetes.Manifests: objects applied by kubectl on a control-plane host (server-side apply,
 * field manager "drydock", conflicts forced: these objects are drydock's). An object dropped from
 * the set is deleted; read lists which objects exist, so one deleted by hand is applied again.
 */
import { createHash, randomBytes } from "node:crypto";
import { parseAllDocuments } from "yaml";
import { renderTemplate } from "../../render/template.js";
import { run, shellQuote, type Transport } from "../../transport/types.js";
import { checkWith, isUnknown, kubernetes, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";

type Inputs = kubernetes.ManifestsInputs;
export interface ManifestsOutputs extends Inputs {
  readonly objects: string[];
  readonly digest: string;
  /** Which of `objects` exist, as last seen. */
  readonly present: string[];
}

const KUBECTL = "/usr/local/bin/kubectl";

/** "kind.version.group/name" (kubectl's fully qualified form) and " -n namespace" for each object. */
export function objectsOf(content: string): string[] {
  const out: string[] = [];
  parseAllDocuments(content).forEach((doc, k) => {
    if (doc.errors.length) throw new Error(`document ${k + 1}: ${doc.errors[0]!.message}`);
    const o = doc.toJSON() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (o === null) return;
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
      throw new Error(`document ${k + 1}: needs apiVersion, kind and metadata.name`);
    }
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
    const type = group ? `${o.kind.toLowerCase()}.${version}.${group}` : o.kind.toLowerCase();
    const ns = typeof o.metadata.namespace === "string" ? ` -n ${o.metadata.namespace}` : "";
    out.push(`${type}/${o.metadata.name}${ns}`);
  });
  return out;
}

const contentOf = (i: Inputs): string => i.content ?? renderTemplate(i.template!.name, i.template!.values as Record<string, string | number>);
const digestOf = (s: string): string => createHash("sha256").update(s).digest("hex");
const kubectl = (i: Inputs): string => `${KUBECTL} --kubeconfig=${shellQuote(i.kubeconfig)}`;
const ref = (o: string): string => o.split(" -n ").map((p, k) => (k ? `-n ${shellQuote(p)}` : shellQuote(p))).join(" ");

/** The objects of `objects` that exist (kubectl answered; a failure throws, naming the host). */
async function existing(t: Transport, i: Inputs, objects: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const o of objects) {
    const r = await run(t, `${kubectl(i)} get ${ref(o)} --ignore-not-found -o name`, { sudo: true, timeoutMs: 30_000, what: `looking for ${o}` });
    if (r.stdout.trim()) out.push(o);
  }
  return out;
}

async function apply(i: Inputs, content: string, ctx: ProviderContext, connect: Connector): Promise<void> {
  const t = connect(i.connection, (m) => ctx.log(m));
  const file = `/run/drydock-manifests-${randomBytes(6).toString("hex")}.yaml`;
  ctx.log(`applying ${objectsOf(content).length} objects on ${t.name}`);
  await t.upload(content, file, { mode: "0600", owner: "root:root", sudo: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  try {
    await run(t, `${kubectl(i)} apply --server-side --force-conflicts --field-manager=drydock -f ${file}`, { sudo: true, timeoutMs: i.timeout * 1000, what: "applying objects with kubectl" });
  } finally {
    await t.exec(`rm -f ${file}`, { sudo: true, timeoutMs: 30_000 });
  }
}

async function remove(i: Inputs, objects: readonly string[], ctx: ProviderContext, connect: Connector): Promise<void> {
  if (!objects.length) return;
  const t = connect(i.connection, (m) => ctx.log(m));
  for (const o of objects) await run(t, `${kubectl(i)} delete ${ref(o)} --ignore-not-found --wait=false`, { sudo: true, timeoutMs: 60_000, what: `deleting ${o}` });
}

export function manifestsProvider(connect: Connector): ResourceProvider<Inputs, ManifestsOutputs> {
  return {
    secretOutputs: [],

    async check(_olds, news) {
      const r = checkWith(kubernetes.ManifestsArgsSchema, news);
      if (!r.inputs) return r;
      const i = r.inputs;
      if (i.template && (isUnknown(i.template.values) || Object.values(i.template.values).some(isUnknown))) return r;
      if (isUnknown(i.content)) return r;
      try {
        const content = contentOf(i);
        objectsOf(content);
        return { inputs: { ...i, content, template: undefined } as Inputs };
      } catch (e) {
        return { failures: [{ property: i.content !== undefined ? "content" : "template", reason: (e as Error).message }] };
      }
    },

    plannedOutputs: (i) => (isUnknown(i.content) || i.content === undefined ? {} : { objects: objectsOf(i.content), digest: digestOf(i.content) }),

    async diff(_id, olds, news) {
      if (isUnknown(news.content) || news.content === undefined) return { changes: true };
      const objects = objectsOf(news.content);
      const missing = objects.filter((o) => !olds.present?.includes(o));
      const changed = digestOf(news.content) !== olds.digest || JSON.stringify(news.connection) !== JSON.stringify(olds.connection);
      if (!changed && !missing.length) return { changes: false };
      const dropped = olds.objects.filter((o) => !objects.includes(o));
      const note = [changed ? "applies its objects" : `applies again ${missing.join(", ")} (gone)`, dropped.length ? `deletes ${dropped.join(", ")}` : ""].filter(Boolean).join("; ");
      return { changes: true, note };
    },

    async create(i, ctx) {
      const content = i.content!;
      await apply(i, content, ctx, connect);
      const objects = objectsOf(content);
      return { id: `manifests-${digestOf(content).slice(0, 12)}`, outs: { ...i, objects, present: objects, digest: digestOf(content) } };
    },

    async update(_id, olds, news, ctx) {
      const content = news.content!;
      const objects = objectsOf(content);
      await apply(news, content, ctx, connect);
      await remove(news, olds.objects.filter((o) => !objects.includes(o)), ctx, connect);
      return { outs: { ...news, objects, present: objects, digest: digestOf(content) } };
    },

    async read(id, props, _inputs, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      return { id, props: { ...props, present: await existing(t, props, props.objects) } };
    },

    async delete(_id, props, ctx) {
      await remove(props, [...props.objects].reverse(), ctx, connect);
    },
  };
}
