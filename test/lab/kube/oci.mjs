// Writes an image archive in the OCI image layout (oci-layout, index.json, blobs/sha256/…), one
// gzip layer from a directory, byte for byte reproducible: sorted names, zero times, root owner,
// `gzip -n`. The index names the image fully (io.containerd.image.name), so `ctr images import`
// gives it exactly that name, and its manifest digest is known before any import.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const TAR = ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--format=posix",
  "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime"];

const sha = (b) => createHash("sha256").update(b).digest("hex");

/** A reproducible tar of DIR's entries (no "./" prefix), with file capabilities kept. */
export function tarDir(dir, extra = []) {
  const entries = readdirSync(dir).sort();
  return execFileSync("tar", [...TAR, ...extra, "-C", dir, "-cf", "-", ...entries], { maxBuffer: 1 << 30 });
}

/**
 * Writes `out` (a .tar) holding the image `name` (registry/repo:tag) whose one layer is `root`.
 * `config` is the OCI image config's `config` (Entrypoint, Cmd, User, Env, WorkingDir).
 * Returns the manifest digest.
 */
export function writeImage({ name, root, config, out, arch = "amd64" }) {
  const layerTar = tarDir(root, ["--xattrs", "--xattrs-include=security.capability"]);
  const layer = execFileSync("gzip", ["-n", "-6", "-c"], { input: layerTar, maxBuffer: 1 << 30 });
  const imageConfig = Buffer.from(JSON.stringify({
    created: "1970-01-01T00:00:00Z", architecture: arch, os: "linux",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ...config },
    rootfs: { type: "layers", diff_ids: [`sha256:${sha(layerTar)}`] },
    history: [{ created: "1970-01-01T00:00:00Z", created_by: "drydock lab (test/lab/kube/images.mjs)" }],
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${sha(imageConfig)}`, size: imageConfig.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${sha(layer)}`, size: layer.length }],
  }));
  const digest = `sha256:${sha(manifest)}`;
  const index = {
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{
      mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: manifest.length,
      platform: { architecture: arch, os: "linux" },
      annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.slice(name.lastIndexOf(":") + 1) },
    }],
  };
  const stage = `${out}.stage`;
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "blobs", "sha256"), { recursive: true });
  for (const b of [layer, imageConfig, manifest]) writeFileSync(join(stage, "blobs", "sha256", sha(b)), b);
  writeFileSync(join(stage, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(stage, "index.json"), JSON.stringify(index));
  writeFileSync(out, tarDir(stage));
  rmSync(stage, { recursive: true, force: true });
  return digest;
}

export const sha256File = (path) => sha(readFileSync(path));
