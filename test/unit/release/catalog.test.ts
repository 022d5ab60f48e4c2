/** The upstream URL patterns (../shared/kube/VERSIONS.md §2–3) and their mirror form. */
import { describe, expect, it } from "vitest";
import { catalog, imageUrl } from "../../../installer/release/catalog.js";
import { VERSIONS } from "./fake-mirror.js";

describe("release catalog", () => {
  it("gives upstream's URLs and checksum files", () => {
    const byUrl = Object.fromEntries(catalog(VERSIONS, "amd64").map((f) => [f.url, `${f.format} ${f.checksumUrl}`]));
    expect(byUrl).toEqual({
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-apiserver": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-apiserver.sha256",
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-controller-manager": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-controller-manager.sha256",
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-scheduler": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-scheduler.sha256",
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet.sha256",
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-proxy": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kube-proxy.sha256",
      "https://dl.k8s.io/v1.37.2/bin/linux/amd64/kubectl": "digest https://dl.k8s.io/v1.37.2/bin/linux/amd64/kubectl.sha256",
      "https://github.com/etcd-io/etcd/releases/download/v3.6.17/etcd-v3.6.17-linux-amd64.tar.gz": "sumlines https://github.com/etcd-io/etcd/releases/download/v3.6.17/SHA256SUMS",
      "https://github.com/containerd/containerd/releases/download/v2.4.2/containerd-2.4.2-linux-amd64.tar.gz": "sumlines https://github.com/containerd/containerd/releases/download/v2.4.2/containerd-2.4.2-linux-amd64.tar.gz.sha256sum",
      "https://github.com/opencontainers/runc/releases/download/v1.5.3/runc.amd64": "sumlines https://github.com/opencontainers/runc/releases/download/v1.5.3/runc.sha256sum",
      "https://github.com/containernetworking/plugins/releases/download/v1.10.0/cni-plugins-linux-amd64-v1.10.0.tgz": "sumlines https://github.com/containernetworking/plugins/releases/download/v1.10.0/cni-plugins-linux-amd64-v1.10.0.tgz.sha256",
      "https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.37.0/crictl-v1.37.0-linux-amd64.tar.gz": "digest https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.37.0/crictl-v1.37.0-linux-amd64.tar.gz.sha256",
      "https://github.com/coredns/coredns/releases/download/v1.14.6/coredns_1.14.6_linux_amd64.tgz": "sumlines https://github.com/coredns/coredns/releases/download/v1.14.6/coredns_1.14.6_linux_amd64.tgz.sha256",
    });
  });

  it("names the archive members each role is read from", () => {
    const provides = Object.assign({}, ...catalog(VERSIONS, "arm64").map((f) => f.provides));
    expect(provides).toMatchObject({ etcd: "etcd-v3.6.17-linux-arm64/etcd", etcdctl: "etcd-v3.6.17-linux-arm64/etcdctl", containerd: "bin/containerd", "containerd-shim-runc-v2": "bin/containerd-shim-runc-v2", ctr: "bin/ctr", "cni-bridge": "bridge", crictl: "crictl", coredns: "coredns" });
    expect(provides.kubelet).toBeUndefined();
    expect(catalog(VERSIONS, "arm64").find((f) => "runc" in f.provides)!.url).toMatch(/\/runc\.arm64$/);
  });

  it("puts a mirror's files at <base>/<upstream host>/<upstream path>, images under images/", () => {
    const urls = catalog(VERSIONS, "amd64", "https://127.0.0.1:2443/m").map((f) => f.url);
    expect(urls).toContain("https://127.0.0.1:2443/m/dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet");
    expect(urls).toContain("https://127.0.0.1:2443/m/github.com/etcd-io/etcd/releases/download/v3.6.17/etcd-v3.6.17-linux-amd64.tar.gz");
    expect(imageUrl("file:///srv/m", "registry.k8s.io/pause:3.10.2", "amd64")).toEqual({
      url: "file:///srv/m/images/registry.k8s.io/pause/3.10.2/linux-amd64.tar", checksumUrl: "file:///srv/m/images/registry.k8s.io/pause/3.10.2/linux-amd64.tar.sha256",
    });
  });
});
