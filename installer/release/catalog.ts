/**
 * Where each file of a release lives upstream, and its checksum file (../docs/steps/05-release.md):
 * the URL patterns of dl.k8s.io and of each project's GitHub releases. A mirror holds the same
 * paths under its base URL: <mirror>/<upstream host>/<upstream path>.
 */
import type { ArtifactName } from "../../sdk/kubernetes/release.js";
import type { ChecksumFormat } from "./checksums.js";

export interface Versions {
  readonly kubernetes: string;
  readonly etcd: string;
  readonly containerd: string;
  readonly runc: string;
  readonly cni: string;
  readonly crictl: string;
  readonly coredns: string;
}

/** One downloadable file, the members used from it (for an archive), and its checksum file. */
export interface CatalogFile {
  readonly url: string;
  readonly checksumUrl: string;
  readonly format: ChecksumFormat;
  readonly version: string;
  /** Role → member path inside the archive, or undefined for the file itself. */
  readonly provides: Partial<Record<ArtifactName, string | undefined>>;
}

const KUBE_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl"] as const;

/** The release's files, at `base` (a mirror) or upstream. */
export function catalog(v: Versions, arch: string, base?: string): CatalogFile[] {
  const at = (hostAndPath: string): string => (base ? `${base}/${hostAndPath}` : `https://${hostAndPath}`);
  const gh = (repo: string, tag: string, file: string): string => at(`github.com/${repo}/releases/download/${tag}/${file}`);
  const files: CatalogFile[] = KUBE_BINARIES.map((b) => {
    const url = at(`dl.k8s.io/${v.kubernetes}/bin/linux/${arch}/${b}`);
    return { url, checksumUrl: `${url}.sha256`, format: "digest", version: v.kubernetes, provides: { [b]: undefined } };
  });
  const etcdDir = `etcd-${v.etcd}-linux-${arch}`;
  files.push({
    url: gh("etcd-io/etcd", v.etcd, `${etcdDir}.tar.gz`), checksumUrl: gh("etcd-io/etcd", v.etcd, "SHA256SUMS"), format: "sumlines", version: v.etcd,
    provides: { etcd: `${etcdDir}/etcd`, etcdctl: `${etcdDir}/etcdctl` },
  });
  const containerd = gh("containerd/containerd", v.containerd, `containerd-${v.containerd.slice(1)}-linux-${arch}.tar.gz`);
  files.push({
    url: containerd, checksumUrl: `${containerd}.sha256sum`, format: "sumlines", version: v.containerd,
    provides: { containerd: "bin/containerd", "containerd-shim-runc-v2": "bin/containerd-shim-runc-v2", ctr: "bin/ctr" },
  });
  files.push({
    url: gh("opencontainers/runc", v.runc, `runc.${arch}`), checksumUrl: gh("opencontainers/runc", v.runc, "runc.sha256sum"), format: "sumlines", version: v.runc,
    provides: { runc: undefined },
  });
  const cni = gh("containernetworking/plugins", v.cni, `cni-plugins-linux-${arch}-${v.cni}.tgz`);
  files.push({
    url: cni, checksumUrl: `${cni}.sha256`, format: "sumlines", version: v.cni,
    provides: { "cni-bridge": "bridge", "cni-host-local": "host-local", "cni-loopback": "loopback", "cni-portmap": "portmap" },
  });
  const crictl = gh("kubernetes-sigs/cri-tools", v.crictl, `crictl-${v.crictl}-linux-${arch}.tar.gz`);
  files.push({ url: crictl, checksumUrl: `${crictl}.sha256`, format: "digest", version: v.crictl, provides: { crictl: "crictl" } });
  const coredns = gh("coredns/coredns", v.coredns, `coredns_${v.coredns.slice(1)}_linux_${arch}.tgz`);
  files.push({ url: coredns, checksumUrl: `${coredns}.sha256`, format: "sumlines", version: v.coredns, provides: { coredns: "coredns" } });
  return files;
}

/** An image archive on a mirror: images/<registry>/<repository>/<tag>/linux-<arch>.tar, digest-only .sha256 beside it. */
export function imageUrl(base: string, image: string, arch: string): { url: string; checksumUrl: string } {
  const colon = image.lastIndexOf(":");
  const url = `${base}/images/${image.slice(0, colon)}/${image.slice(colon + 1)}/linux-${arch}.tar`;
  return { url, checksumUrl: `${url}.sha256` };
}

export const IMAGE_NAMES = {
  pause: (tag: string) => `registry.k8s.io/pause:${tag}`,
  coredns: (tag: string) => `registry.k8s.io/coredns/coredns:${tag}`,
  agnhost: (tag: string) => `registry.k8s.io/e2e-test-images/agnhost:${tag}`,
} as const;
