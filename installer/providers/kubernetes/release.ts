/**
 * kubernetes.Release: resolves the declared versions to pinned artifacts when it is created or
 * changed, and keeps them in state (the lock). An unchanged release reads nothing again; it has no
 * read, so refresh keeps the lock as it is (nothing of a release lives on a host).
 */
import { catalog, IMAGE_NAMES, imageUrl } from "../../release/catalog.js";
import { resolveRelease } from "../../release/resolve.js";
import { checkWith, kubernetes, type ResourceProvider } from "./deps.js";

type Args = kubernetes.ReleaseArgsInputs;

/** The inputs as kept: every version filled in, and the files it brings (for the plan). */
export interface ReleaseInputs {
  readonly version: string;
  readonly arch: string;
  readonly versions: Record<string, string>;
  /** Image role → tag (the program's `images`, defaults filled in). */
  readonly imageTags: Record<string, string>;
  readonly mirror?: { readonly url: string; readonly caPem?: string };
  /** The URL of each file it brings, by role (kubelet, etcd, image-pause, …), for the plan. */
  readonly files: Record<string, string>;
}

export interface ReleaseOutputs extends ReleaseInputs {
  readonly artifacts: Record<string, unknown>;
  readonly images: Record<string, kubernetes.ImageArchive>;
}

function fill(a: Args): ReleaseInputs {
  const minor = a.version.split(".").slice(0, 2).join(".") as kubernetes.KnownMinor;
  const good = kubernetes.KNOWN_GOOD[minor] as Record<string, string> | undefined;
  const comp = a.components as Record<string, string | undefined>;
  const v = (k: string): string => comp[k] ?? good![k]!;
  const versions = { kubernetes: a.version, etcd: v("etcd"), containerd: v("containerd"), runc: v("runc"), cni: v("cni"), crictl: v("crictl"), coredns: v("coredns") };
  const images: Record<string, string> = {};
  if (a.mirror) {
    const want = (a.images ?? {}) as Record<string, string | undefined>;
    for (const k of ["pause", "agnhost"]) { const t = want[k] ?? good?.[k]; if (t) images[k] = t; }
    images.coredns = versions.coredns;
  }
  const files: Record<string, string> = {};
  for (const f of catalog(versions, a.arch, a.mirror?.url)) for (const role of Object.keys(f.provides)) files[role] = f.url;
  if (a.mirror) for (const [k, t] of Object.entries(images)) files[`image-${k}`] = imageUrl(a.mirror.url, IMAGE_NAMES[k as keyof typeof IMAGE_NAMES](t), a.arch).url;
  return { version: a.version, arch: a.arch, versions, imageTags: images, ...(a.mirror ? { mirror: a.mirror } : {}), files };
}

const same = (a: ReleaseInputs, b: ReleaseInputs): boolean => JSON.stringify(a) === JSON.stringify(b);

export function releaseProvider(): ResourceProvider<ReleaseInputs, ReleaseOutputs> {
  async function resolve(i: ReleaseInputs, log: (m: string) => void, signal?: AbortSignal): Promise<ReleaseOutputs> {
    const r = await resolveRelease({ versions: i.versions as never, arch: i.arch, images: i.imageTags, ...(i.mirror ? { mirror: i.mirror } : {}) }, log, signal);
    return { ...i, artifacts: r.artifacts, images: r.images };
  }
  return {
    secretOutputs: [],

    async check(_olds, news) {
      const r = checkWith(kubernetes.ReleaseArgsSchema, news);
      if (!r.inputs) return r as { failures: [] };
      return { inputs: fill(r.inputs) };
    },

    plannedOutputs(i) {
      return { version: i.version, versions: i.versions, imageTags: i.imageTags };
    },

    async diff(_id, _olds, news, old) {
      if (same(news, old)) return { changes: false };
      const changed = Object.entries(news.versions).filter(([k, v]) => old.versions[k] !== v).map(([k, v]) => `${k} ${old.versions[k]} → ${v}`);
      const where = news.mirror?.url !== old.mirror?.url ? [`from ${news.mirror?.url ?? "upstream"}`] : [];
      return { changes: true, note: [...changed, ...where].join(", ") || "release settings changed" };
    },

    async create(i, ctx) {
      return { id: `${i.version}-${i.arch}`, outs: await resolve(i, (m) => ctx.log(m), ctx.signal) };
    },

    async update(_id, _olds, news, ctx) {
      return { outs: await resolve(news, (m) => ctx.log(m), ctx.signal) };
    },

    // No read: refresh keeps the lock as it is; a changed upstream file is refused when it is downloaded, by its pinned sha256.

    async delete() {
      // Nothing on any host.
    },
  };
}
