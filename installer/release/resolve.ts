/**
 * Resolves a release to pinned artifacts: reads each checksum file once (in its upstream's
 * format), and gives every file's sha256. Image archives are downloaded too (into the artifact
 * cache, checked against their .sha256) to read the manifest digest inside. Any failure names the
 * artifact and the URL, and happens before anything is uploaded anywhere.
 */
import { setMaxListeners } from "node:events";
import type { Artifact } from "../../sdk/artifact.js";
import type { ArtifactName, ImageArchive } from "../../sdk/kubernetes/release.js";
import { fetchArtifact } from "../artifacts/fetch.js";
import { getBytes } from "../artifacts/http.js";
import { readTar } from "../util/tar.js";
import { catalog, IMAGE_NAMES, imageUrl, type Versions } from "./catalog.js";
import { parseChecksum } from "./checksums.js";

export class ReleaseError extends Error {
  override readonly name = "ReleaseError";
}

export interface ResolveInput {
  readonly versions: Versions;
  readonly arch: string;
  readonly images: Readonly<Record<string, string>>;
  readonly mirror?: { readonly url: string; readonly caPem?: string };
}

export interface Resolved {
  readonly artifacts: Record<ArtifactName, Artifact>;
  readonly images: Record<string, ImageArchive>;
}

const fileName = (url: string): string => decodeURIComponent(new URL(url).pathname.split("/").pop()!);

export async function resolveRelease(r: ResolveInput, log: (m: string) => void = () => {}, signal?: AbortSignal): Promise<Resolved> {
  if (signal) setMaxListeners(0, signal); // one listener per checksum file and image, all at once
  const ca = r.mirror?.caPem ? { caPem: r.mirror.caPem } : {};
  const sums = new Map<string, Promise<string>>();
  const checksumText = (url: string, what: string): Promise<string> => {
    let p = sums.get(url);
    if (!p) {
      log(`reading checksums ${url}`);
      p = getBytes(url, { ...ca, timeoutMs: 60_000, ...(signal ? { signal } : {}) }).then((b) => b.toString("utf8"), (e: Error) => {
        const missing = (e as { status?: number }).status === 404;
        throw new ReleaseError(`${what}: ${missing ? "checksum file not found" : "cannot read the checksum file"}: ${e.message}${missing && r.mirror ? ` (is ${what} on the mirror?)` : ""}`);
      });
      sums.set(url, p);
    }
    return p;
  };

  const artifacts: Partial<Record<ArtifactName, Artifact>> = {};
  await Promise.all(catalog(r.versions, r.arch, r.mirror?.url).map(async (f) => {
    const roles = Object.keys(f.provides) as ArtifactName[];
    const what = `${roles.join(", ")} ${f.version} (${f.url})`;
    let sha256: string;
    try {
      sha256 = parseChecksum(f.format, await checksumText(f.checksumUrl, what), fileName(f.url), f.checksumUrl);
    } catch (e) {
      throw e instanceof ReleaseError ? e : new ReleaseError(`${what}: ${(e as Error).message}`);
    }
    for (const role of roles) {
      const path = f.provides[role];
      artifacts[role] = { name: role, version: f.version, url: f.url, sha256, ...(path ? { path } : {}), ...ca };
    }
  }));

  const images: Record<string, ImageArchive> = {};
  if (r.mirror) {
    const base = r.mirror.url;
    await Promise.all(Object.entries(r.images).map(async ([role, tag]) => {
      const name = IMAGE_NAMES[role as keyof typeof IMAGE_NAMES]?.(tag);
      if (!name) throw new ReleaseError(`images.${role}: drydock knows no image by that role (it knows ${Object.keys(IMAGE_NAMES).join(", ")})`);
      const { url, checksumUrl } = imageUrl(base, name, r.arch);
      const what = `image ${name} (${url})`;
      let sha256: string;
      try {
        sha256 = parseChecksum("digest", await checksumText(checksumUrl, what), fileName(url), checksumUrl);
      } catch (e) {
        throw e instanceof ReleaseError ? e : new ReleaseError(`${what}: ${(e as Error).message}`);
      }
      const archive: Artifact = { name: `image-${role}`, version: tag, url, sha256, ...ca };
      const bytes = await fetchArtifact(archive, log).catch((e: Error) => { throw new ReleaseError(`${what}: ${e.message}`); });
      images[role] = { name, archive, digest: manifestDigest(bytes, name, what) };
    }));
  }
  return { artifacts: artifacts as Record<ArtifactName, Artifact>, images };
}

/** The digest of the manifest an OCI image archive's index.json names `name` by. */
function manifestDigest(archive: Buffer, name: string, what: string): string {
  const index = readTar(archive).find((m) => m.name.replace(/^\.\//, "") === "index.json");
  if (!index) throw new ReleaseError(`${what}: not an OCI image archive (no index.json)`);
  const parsed = JSON.parse(Buffer.from(index.data).toString("utf8")) as { manifests?: { digest?: string; annotations?: Record<string, string> }[] };
  const m = parsed.manifests?.find((x) => x.annotations?.["io.containerd.image.name"] === name);
  if (!m?.digest) {
    const names = (parsed.manifests ?? []).map((x) => x.annotations?.["io.containerd.image.name"]).filter(Boolean);
    throw new ReleaseError(`${what}: the archive names no image ${name} (it has ${names.length ? names.join(", ") : "no named image"})`);
  }
  return m.digest;
}
