// Lays the built release out as a mirror of the upstream download sites: each file at
// <mirror>/<upstream host>/<upstream path>, with each upstream's own checksum file beside it
// (../shared/kube/VERSIONS.md §2–3). Image archives, which upstream serves from a registry
// instead, are at images/<registry>/<repository>/<tag>/linux-<arch>.tar with a digest-only .sha256.
import { execFileSync } from "node:child_process";
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { tarDir } from "./oci.mjs";

// Write only when the bytes differ, atomically: a running server never serves half a file.
function put(path, bytes) {
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

function tgz(files, work, prefix = "") {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, prefix), { recursive: true });
  for (const [name, src] of files) {
    copyFileSync(src, join(work, prefix, name));
    chmodSync(join(work, prefix, name), 0o755);
  }
  const bytes = execFileSync("gzip", ["-n", "-6", "-c"], { input: tarDir(work), maxBuffer: 1 << 30 });
  rmSync(work, { recursive: true, force: true });
  return bytes;
}

const sha256 = (b) => createHash("sha256").update(b).digest("hex");

/** Writes the mirror tree under `root`; returns the list of { url path, sha256 } it holds for this release. */
export function writeMirror({ root, arch, versions, bins, images, work }) {
  const files = [];
  const add = (path, bytes, sums) => {
    put(join(root, path), bytes);
    const hex = sha256(bytes);
    files.push({ path, sha256: hex });
    for (const [sumPath, text] of sums(hex, basename(path))) put(join(root, sumPath), Buffer.from(text));
  };
  const gh = (repo, tag) => `github.com/${repo}/releases/download/${tag}`;
  const { kubernetes: K, etcd: E, containerd: C, runc: R, cni: N, crictl: T, coredns: D, helm: H } = versions;

  for (const b of ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl"]) {
    const p = `dl.k8s.io/${K}/bin/linux/${arch}/${b}`;
    add(p, readFileSync(join(bins.kubernetes, b)), (hex) => [[`${p}.sha256`, hex]]); // digest only
  }
  const etcdName = `etcd-${E}-linux-${arch}`;
  add(`${gh("etcd-io/etcd", E)}/${etcdName}.tar.gz`,
    tgz([["etcd", join(bins.etcd, "etcd")], ["etcdctl", join(bins.etcd, "etcdctl")]], join(work, "etcd"), etcdName),
    (hex, name) => [[`${gh("etcd-io/etcd", E)}/SHA256SUMS`, `${hex}  ${name}\n`]]);
  add(`${gh("containerd/containerd", C)}/containerd-${C.slice(1)}-linux-${arch}.tar.gz`,
    tgz(["containerd", "containerd-shim-runc-v2", "ctr"].map((b) => [b, join(bins.containerd, b)]), join(work, "containerd"), "bin"),
    (hex, name) => [[`${gh("containerd/containerd", C)}/${name}.sha256sum`, `${hex}  ${name}\n`]]);
  add(`${gh("opencontainers/runc", R)}/runc.${arch}`, readFileSync(join(bins.runc, "runc")),
    (hex, name) => [[`${gh("opencontainers/runc", R)}/runc.sha256sum`, `${hex}  ${name}\n`]]);
  add(`${gh("containernetworking/plugins", N)}/cni-plugins-linux-${arch}-${N}.tgz`,
    tgz(["bridge", "host-local", "loopback", "portmap"].map((b) => [b, join(bins["cni-plugins"], b)]), join(work, "cni")),
    (hex, name) => [[`${gh("containernetworking/plugins", N)}/${name}.sha256`, `${hex}  ${name}\n`]]);
  add(`${gh("kubernetes-sigs/cri-tools", T)}/crictl-${T}-linux-${arch}.tar.gz`,
    tgz([["crictl", join(bins.crictl, "crictl")]], join(work, "crictl")),
    (hex, name) => [[`${gh("kubernetes-sigs/cri-tools", T)}/${name}.sha256`, `${hex}\n`]]); // digest only
  add(`${gh("coredns/coredns", D)}/coredns_${D.slice(1)}_linux_${arch}.tgz`,
    tgz([["coredns", join(bins.coredns, "coredns")]], join(work, "coredns")),
    (hex, name) => [[`${gh("coredns/coredns", D)}/${name}.sha256`, `${hex}  ${name}\n`]]);
  // get.helm.sh: linux-<arch>/helm in the archive; a shasum-style .sha256sum and a digest-only .sha256.
  add(`get.helm.sh/helm-${H}-linux-${arch}.tar.gz`,
    tgz([["helm", join(bins.helm, "helm")]], join(work, "helm"), `linux-${arch}`),
    (hex, name) => [[`get.helm.sh/${name}.sha256sum`, `${hex}  ${name}\n`], [`get.helm.sh/${name}.sha256`, `${hex}\n`]]);
  for (const img of Object.values(images)) {
    const colon = img.name.lastIndexOf(":");
    const p = `images/${img.name.slice(0, colon)}/${img.name.slice(colon + 1)}/linux-${arch}.tar`;
    add(p, readFileSync(img.file), (hex) => [[`${p}.sha256`, `${hex}\n`]]);
  }
  return files;
}
