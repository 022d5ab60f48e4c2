/**
 * kubernetes.Images: image archives imported into containerd's `k8s.io` namespace (the one
 * kubelet's CRI uses), each checked against its pinned sha256 before it leaves this machine, and
 * skipped when containerd already lists the image with the same manifest digest. Refresh reads
 * what containerd lists, so an image removed by hand is imported again by the next `up`.
 */
import { fetchArtifact } from "../../artifacts/fetch.js";
import { run, shellQuote, type Transport } from "../../transport/types.js";
import { checkWith, kubernetes, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";

type Inputs = kubernetes.ImagesInputs;
export interface ImagesOutputs extends Inputs {
  readonly present: Record<string, string>;
}

const CTR = "/usr/local/bin/ctr --namespace k8s.io";
const INBOX = "/var/lib/drydock/images";

/** name → manifest digest of the wanted images containerd lists (absent when it does not). */
async function listed(t: Transport, names: readonly string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  const r = await run(t, `${CTR} images ls ${names.map((n) => shellQuote(`name==${n}`)).join(" ")}`, { sudo: true, timeoutMs: 60_000, what: "listing containerd's images" });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n").slice(1)) {
    const [ref, , digest] = line.trim().split(/\s+/);
    if (ref && digest?.startsWith("sha256:") && names.includes(ref)) out[ref] = digest;
  }
  return out;
}

async function importAll(i: Inputs, ctx: ProviderContext, connect: Connector): Promise<ImagesOutputs> {
  const t = connect(i.connection, (m) => ctx.log(m));
  const have = await listed(t, i.images.map((x) => x.name));
  for (const img of i.images) {
    if (have[img.name] === img.digest) continue;
    const bytes = await fetchArtifact(img.archive, (m) => ctx.log(m));
    const file = `${INBOX}/${img.archive.sha256}.tar`;
    ctx.log(`importing ${img.name} into containerd (${(bytes.length / 2 ** 20).toFixed(1)} MiB)`);
    await t.upload(bytes, file, { mode: "0600", owner: "root:root", sudo: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    try {
      // ctr imports (and unpacks) for the node's own platform, the one the release was resolved for.
      await run(t, `${CTR} images import ${shellQuote(file)}`, { sudo: true, timeoutMs: i.timeout * 1000, what: `importing ${img.name}` });
    } finally {
      await t.exec(`rm -f ${shellQuote(file)}; rmdir ${INBOX} 2>/dev/null; true`, { sudo: true, timeoutMs: 30_000 });
    }
  }
  const now = await listed(t, i.images.map((x) => x.name));
  for (const img of i.images) {
    if (now[img.name] !== img.digest) throw new Error(`${t.name}: after importing, containerd lists ${img.name} as ${now[img.name] ?? "nothing"}, not ${img.digest}`);
  }
  return { ...i, present: now };
}

export function imagesProvider(connect: Connector): ResourceProvider<Inputs, ImagesOutputs> {
  return {
    secretOutputs: [],

    async check(_olds, news) {
      return checkWith(kubernetes.ImagesArgsSchema, news);
    },

    async diff(_id, olds, news) {
      const missing = news.images.filter((img) => olds.present?.[img.name] !== img.digest).map((img) => img.name);
      const dropped = Object.keys(olds.present ?? {}).filter((n) => !news.images.some((img) => img.name === n));
      if (!missing.length && !dropped.length) return { changes: JSON.stringify(news.connection) !== JSON.stringify(olds.connection) };
      return { changes: true, note: [missing.length ? `imports ${missing.join(", ")}` : "", dropped.length ? `removes ${dropped.join(", ")}` : ""].filter(Boolean).join("; ") };
    },

    async create(i, ctx) {
      return { id: `images-${Date.now().toString(36)}`, outs: await importAll(i, ctx, connect) };
    },

    async update(_id, olds, news, ctx) {
      const t = connect(news.connection, (m) => ctx.log(m));
      const dropped = Object.keys(olds.present ?? {}).filter((n) => !news.images.some((img) => img.name === n));
      if (dropped.length) await run(t, `${CTR} images rm ${dropped.map(shellQuote).join(" ")}`, { sudo: true, timeoutMs: 60_000, what: "removing images" });
      return { outs: await importAll(news, ctx, connect) };
    },

    async read(id, props, _inputs, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      return { id, props: { ...props, present: await listed(t, props.images.map((x) => x.name)) } };
    },

    async delete(_id, props, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      const names = Object.keys(props.present ?? {});
      // No containerd any more (its socket is gone): nothing of these images is left to remove.
      const up = await t.exec("test -S /run/containerd/containerd.sock", { sudo: true, timeoutMs: 30_000 });
      if (names.length && up.code === 0) await run(t, `${CTR} images rm ${names.map(shellQuote).join(" ")}`, { sudo: true, timeoutMs: 60_000, what: "removing images" });
    },
  };
}
