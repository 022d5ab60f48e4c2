/** A small mirror on disk in the upstream layout, each checksum file in its upstream's format (tiny files, not real binaries). */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execaSync } from "execa";
import { catalog, IMAGE_NAMES, imageUrl, type Versions } from "../../../installer/release/catalog.js";

export const VERSIONS: Versions = { kubernetes: "v1.37.2", etcd: "v3.6.17", containerd: "v2.4.2", runc: "v1.5.3", cni: "v1.10.0", crictl: "v1.37.0", coredns: "v1.14.6" };
export const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function put(root: string, url: string, base: string, bytes: Buffer | string): string {
  const p = join(root, url.slice(base.length + 1));
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

/** An OCI image archive naming `name`, with a manifest whose digest is returned. */
export function ociArchive(work: string, name: string): { bytes: Buffer; digest: string } {
  const d = join(work, `oci-${sha(name).slice(0, 8)}`);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, name }));
  mkdirSync(join(d, "blobs/sha256"), { recursive: true });
  writeFileSync(join(d, "blobs/sha256", sha(manifest)), manifest);
  writeFileSync(join(d, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(d, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ digest: `sha256:${sha(manifest)}`, size: manifest.length, annotations: { "io.containerd.image.name": name } }] }));
  return { bytes: execaSync("tar", ["-cf", "-", "-C", d, "oci-layout", "index.json", "blobs"], { encoding: "buffer" }).stdout as unknown as Buffer, digest: `sha256:${sha(manifest)}` };
}

/** Writes the release under `root` (served as `base`); returns each file's sha256 by URL and the image digests. */
export function writeFakeMirror(root: string, base: string, v: Versions = VERSIONS, images: Record<string, string> = { pause: "3.10.2", agnhost: "2.66.1", coredns: v.coredns }) {
  const work = join(root, ".work");
  const sums: Record<string, string> = {};
  const sumLines = new Map<string, string[]>();
  for (const f of catalog(v, "amd64", base)) {
    let bytes: Buffer;
    const members = Object.values(f.provides).filter((m): m is string => !!m);
    if (members.length) {
      const d = join(work, sha(f.url).slice(0, 8));
      for (const m of members) { mkdirSync(dirname(join(d, m)), { recursive: true }); writeFileSync(join(d, m), `#!/bin/sh\necho ${m} ${f.version}\n`); }
      const top = [...new Set(members.map((m) => m.split("/")[0]!))];
      bytes = execaSync("tar", ["-czf", "-", "-C", d, ...top], { encoding: "buffer" }).stdout as unknown as Buffer;
    } else bytes = Buffer.from(`binary ${f.url}\n`);
    put(root, f.url, base, bytes);
    const hex = sha(bytes);
    sums[f.url] = hex;
    const name = f.url.split("/").pop()!;
    if (f.format === "digest") put(root, f.checksumUrl, base, `${hex}\n`);
    else sumLines.set(f.checksumUrl, [...(sumLines.get(f.checksumUrl) ?? []), `${hex}  ${name}`]);
  }
  for (const [url, lines] of sumLines) {
    // etcd's SHA256SUMS covers other files too; runc's is PGP clear-signed upstream.
    const extra = url.endsWith("SHA256SUMS") ? [`${"a".repeat(64)}  etcd-${v.etcd}-linux-arm64.tar.gz`] : [];
    const text = [...extra, ...lines].join("\n") + "\n";
    put(root, url, base, url.endsWith("runc.sha256sum")
      ? `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${text}-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n`
      : text);
  }
  const digests: Record<string, string> = {};
  for (const [role, tag] of Object.entries(images)) {
    const name = IMAGE_NAMES[role as keyof typeof IMAGE_NAMES](tag);
    const { url, checksumUrl } = imageUrl(base, name, "amd64");
    const a = ociArchive(work, name);
    put(root, url, base, a.bytes);
    put(root, checksumUrl, base, `${sha(a.bytes)}\n`);
    sums[url] = sha(a.bytes);
    digests[role] = a.digest;
  }
  return { sums, digests };
}
