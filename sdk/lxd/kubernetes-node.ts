/**
 * What an LXD system container needs to be a Kubernetes node (kubelet, containerd and runc inside
 * it), as the LXD cluster-API provider and Canonical Kubernetes set it: privileged with nesting,
 * AppArmor unconfined, /proc and /sys writable, every device allowed, no capability dropped,
 * /dev/kmsg for kubelet's OOM watcher, and (`linux.kernel_modules`) the kernel modules the pod network and overlayfs use
 * loaded by LXD on the host (a container cannot load them). On a host with only cgroup v1 (as the
 * lab's is) a node must be privileged: unprivileged ones need cgroup v2 delegation.
 */
import type { ResourceOptions } from "../resource.js";
import type { RemoteLike } from "./endpoint.js";
import { Profile } from "./profile.js";

export const KUBERNETES_NODE_MODULES = ["ip_tables", "ip6_tables", "iptable_raw", "iptable_nat", "iptable_filter", "netlink_diag", "nf_nat", "nf_conntrack", "overlay", "br_netfilter", "xt_socket", "veth", "bridge"];

export const KUBERNETES_NODE_CONFIG: Readonly<Record<string, string>> = {
  "security.privileged": "true",
  "security.nesting": "true",
  "raw.lxc": ["lxc.apparmor.profile=unconfined", "lxc.mount.auto=proc:rw sys:rw cgroup:rw", "lxc.cgroup.devices.allow=a", "lxc.cap.drop="].join("\n"),
};

export const KUBERNETES_NODE_DEVICES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kmsg: { type: "unix-char", source: "/dev/kmsg", path: "/dev/kmsg" },
};

export interface KubernetesNodeProfileArgs {
  /** The LXD server: an lxd.Remote, or its endpoint. */
  readonly remote: RemoteLike;
  /** The profile's name in LXD. @default the resource name */
  readonly name?: string;
  /**
   * Kernel modules LXD loads on the host when a node starts. Set [] on a kernel that has them
   * built in and no modprobe (LXD refuses to start the container when modprobe fails).
   * @default KUBERNETES_NODE_MODULES
   */
  readonly kernelModules?: readonly string[];
}

/** An lxd.Profile for Kubernetes nodes: give it to instances after "default" (which brings the root disk and NIC). */
export function kubernetesNodeProfile(name: string, args: KubernetesNodeProfileArgs, opts?: ResourceOptions): Profile {
  const modules = args.kernelModules ?? KUBERNETES_NODE_MODULES;
  const config = { ...KUBERNETES_NODE_CONFIG, ...(modules.length ? { "linux.kernel_modules": modules.join(",") } : {}) };
  return new Profile(name, { remote: args.remote, name: args.name ?? name, config, devices: { ...KUBERNETES_NODE_DEVICES } }, opts);
}
