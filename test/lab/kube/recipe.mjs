// The lab's release: what is built, from which pinned wrapper module, with which flags.
// The Kubernetes version is the one setting (KUBE_VERSION); its wrapper module is
// modules/kubernetes-<version>/ (written by gen-kube-module.mjs, go.sum committed).
// Every other component's version is the one its wrapper module's go.mod pins.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const KUBE_DIR = dirname(fileURLToPath(import.meta.url));
export const MODULES = join(KUBE_DIR, "modules");
export const ARCH = "amd64";
export const DEFAULT_KUBE_VERSION = "v1.37.2";

/** The version a wrapper module pins for `path` (its require line). */
export function pinned(module, path) {
  const mod = readFileSync(join(MODULES, module, "go.mod"), "utf8");
  const m = mod.match(new RegExp(`^\\s*(?:require\\s+)?${path.replace(/[.]/g, "\\.")}\\s+(v\\S+)`, "m"));
  if (!m) throw new Error(`modules/${module}/go.mod pins no ${path}`);
  return m[1];
}

const ZERO_COMMIT = "0000000000000000000000000000000000000000";

// Upstream's hack/lib/version.sh sets these in both packages; without them binaries say v0.0.0-master.
function kubeVersionFlags(v) {
  const [, major, minor] = v.match(/^v(\d+)\.(\d+)\./);
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((p) => [
    `-X ${p}.gitVersion=${v}`, `-X ${p}.gitMajor=${major}`, `-X ${p}.gitMinor=${minor}`,
    `-X ${p}.gitCommit=${ZERO_COMMIT}`, `-X ${p}.gitTreeState=clean`, `-X ${p}.buildDate=1970-01-01T00:00:00Z`,
  ]).join(" ");
}

/** Every Go build of the release: one wrapper module each, binaries named as upstream ships them. */
export function builds(kubeVersion = DEFAULT_KUBE_VERSION) {
  const kubeModule = `kubernetes-${kubeVersion}`;
  const containerd = pinned("containerd", "github.com/containerd/containerd/v2");
  const runc = pinned("runc", "github.com/opencontainers/runc");
  const cni = pinned("cni-plugins", "github.com/containernetworking/plugins");
  const crictl = pinned("cri-tools", "sigs.k8s.io/cri-tools");
  const etcd = pinned("etcd", "go.etcd.io/etcd/server/v3");
  const coredns = pinned("coredns", "github.com/coredns/coredns");
  const helm = pinned("helm", "helm.sh/helm/v4");
  const k = "k8s.io/kubernetes";
  return [
    {
      name: "kubernetes", version: kubeVersion, module: kubeModule, cgo: false, tags: "selinux,notest",
      ldflags: kubeVersionFlags(kubeVersion),
      packages: {
        "kube-apiserver": `${k}/cmd/kube-apiserver`, "kube-controller-manager": `${k}/cmd/kube-controller-manager`,
        "kube-scheduler": `${k}/cmd/kube-scheduler`, kubelet: `${k}/cmd/kubelet`, "kube-proxy": `${k}/cmd/kube-proxy`,
        kubectl: `${k}/cmd/kubectl`, agnhost: `${k}/test/images/agnhost`,
      },
    },
    {
      name: "etcd", version: etcd, module: "etcd", cgo: false, tags: "",
      ldflags: `-X go.etcd.io/etcd/api/v3/version.GitSHA=${ZERO_COMMIT.slice(0, 7)}`,
      packages: { etcd: "go.etcd.io/etcd/server/v3", etcdctl: "go.etcd.io/etcd/etcdctl/v3" },
    },
    {
      name: "containerd", version: containerd, module: "containerd", cgo: false, tags: "no_btrfs,no_devmapper,no_zfs",
      ldflags: `-X github.com/containerd/containerd/v2/version.Version=${containerd} -X github.com/containerd/containerd/v2/version.Revision=${ZERO_COMMIT} -X github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd/v2`,
      packages: {
        containerd: "github.com/containerd/containerd/v2/cmd/containerd",
        "containerd-shim-runc-v2": "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2",
        ctr: "github.com/containerd/containerd/v2/cmd/ctr",
      },
    },
    {
      // cgo for libseccomp, linked statically as upstream's release is.
      name: "runc", version: runc, module: "runc", cgo: true, tags: "seccomp urfave_cli_no_docs",
      ldflags: `-X main.version=${runc.slice(1)} -X main.gitCommit=${ZERO_COMMIT} -extldflags -static`,
      packages: { runc: "github.com/opencontainers/runc" },
    },
    {
      name: "cni-plugins", version: cni, module: "cni-plugins", cgo: false, tags: "",
      ldflags: `-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${cni}`,
      packages: Object.fromEntries(["main/bridge", "ipam/host-local", "main/loopback", "meta/portmap"]
        .map((p) => [p.split("/")[1], `github.com/containernetworking/plugins/plugins/${p}`])),
    },
    {
      name: "crictl", version: crictl, module: "cri-tools", cgo: false, tags: "selinux",
      ldflags: `-X sigs.k8s.io/cri-tools/pkg/version.Version=${crictl}`,
      packages: { crictl: "sigs.k8s.io/cri-tools/cmd/crictl" },
    },
    {
      name: "coredns", version: coredns, module: "coredns", cgo: false, tags: "",
      ldflags: `-X github.com/coredns/coredns/coremain.GitCommit=${ZERO_COMMIT.slice(0, 7)}`,
      packages: { coredns: "github.com/coredns/coredns" },
    },
    {
      // As upstream's Makefile sets them for a tagged build; without them `helm version` says v4.3.
      name: "helm", version: helm, module: "helm", cgo: false, tags: "",
      ldflags: [`version=${helm}`, "metadata=", `gitCommit=${ZERO_COMMIT}`, "gitTreeState=clean"]
        .map((v) => `-X helm.sh/helm/v4/internal/version.${v}`).join(" "),
      packages: { helm: "helm.sh/helm/v4/cmd/helm" },
    },
  ];
}

/** Image versions: pause and agnhost as Kubernetes vX.Y.Z names them (kubeadm's constants, agnhost's VERSION). */
export function imageVersions(kubeSrc) {
  const constants = readFileSync(join(kubeSrc, "cmd/kubeadm/app/constants/constants.go"), "utf8");
  const pause = constants.match(/PauseVersion\s*=\s*"([^"]+)"/)?.[1];
  const corednsForKube = constants.match(/CoreDNSVersion\s*=\s*"([^"]+)"/)?.[1];
  const agnhost = readFileSync(join(kubeSrc, "test/images/agnhost/VERSION"), "utf8").trim();
  if (!pause || !agnhost) throw new Error(`cannot read the pause or agnhost version from ${kubeSrc}`);
  return { pause, agnhost, corednsForKube };
}
