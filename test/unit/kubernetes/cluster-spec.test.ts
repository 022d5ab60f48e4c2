/** A cluster's declaration is checked as a whole in the plan, and each node keeps its pod subnet. */
import { describe, expect, it } from "vitest";
import { clusterSpecProvider } from "../../../installer/providers/kubernetes/cluster-spec.js";
import { checkConfig } from "../../../sdk/kubernetes/config-check.js";
import { kubeletDefaults } from "../../../sdk/kubernetes/node.js";
import { kubeProxyDefaults } from "../../../sdk/kubernetes/kube-proxy.js";
import { FLAGS } from "../../../sdk/kubernetes/flags/v1.37/index.js";
import { apiServerFlags, controllerManagerFlags, schedulerFlags } from "../../../sdk/kubernetes/control-plane-flags.js";
import { unknown } from "../../../sdk/internal.js";

const base = {
  clusterName: "prod", version: "v1.37.2",
  controlPlane: [{ name: "cp-1", address: "10.30.0.11" }],
  workers: [{ name: "w-1", address: "10.30.0.21" }, { name: "w-2", address: "10.30.0.22" }],
  podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12", nodeMaskSize: 24, clusterDomain: "cluster.local",
  endpoint: { kind: "host", address: "10.30.0.11", port: 6443 }, etcd: "stacked",
  flags: { "kube-apiserver": {}, "kube-controller-manager": {}, "kube-scheduler": {} },
  kubelet: {}, kubeProxy: {}, releaseImages: ["pause", "coredns", "agnhost"], requiredImages: ["pause", "coredns", "agnhost"],
};
const provider = clusterSpecProvider();
const check = (over: Record<string, unknown>, olds?: Record<string, unknown>) => provider.check!(olds, { ...base, ...over });
const reasons = async (over: Record<string, unknown>) => ((await check(over)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);

describe("kubernetes.ClusterSpec", () => {
  it("a sound declaration passes, and each worker gets the lowest free pod subnet", async () => {
    const r = await check({});
    expect(r.failures).toBeUndefined();
    expect(r.inputs!.podCidrs).toEqual({ "w-1": "10.244.0.0/24", "w-2": "10.244.1.0/24" });
  });

  it("a node keeps its pod subnet while declared: removing one and adding another moves no other node", async () => {
    const first = await check({ workers: [{ name: "a", address: "10.30.0.21" }, { name: "b", address: "10.30.0.22" }, { name: "c", address: "10.30.0.23" }] });
    const next = await check({ workers: [{ name: "d", address: "10.30.0.24" }, { name: "c", address: "10.30.0.23" }, { name: "b", address: "10.30.0.22" }] }, first.inputs as never);
    expect(next.inputs!.podCidrs).toEqual({ b: "10.244.1.0/24", c: "10.244.2.0/24", d: "10.244.0.0/24" });
  });

  it("an even number of stacked etcd members is refused, unless allowed", async () => {
    const cps = [{ name: "cp-1", address: "10.30.0.11" }, { name: "cp-2", address: "10.30.0.12" }];
    const vip = { kind: "vip", address: "10.30.0.250", port: 6443 };
    expect(await reasons({ controlPlane: cps, endpoint: vip })).toEqual([
      "controlPlane: 2 control-plane hosts make 2 stacked etcd members, an even count: it tolerates no more failures than 1 (quorum 2); use an odd count, or set allowEvenMembers",
    ]);
    expect(await reasons({ controlPlane: cps, endpoint: vip, allowEvenMembers: true })).toEqual([]);
    expect(await reasons({ controlPlane: cps, endpoint: vip, etcd: "external" })).toEqual([]);
  });

  it("overlapping pod, service and host subnets are refused, naming the field", async () => {
    expect(await reasons({ serviceSubnet: "10.244.128.0/20" })).toEqual(["serviceSubnet: 10.244.128.0/20 overlaps podSubnet 10.244.0.0/16"]);
    expect(await reasons({ podSubnet: "10.30.0.0/16" })).toEqual([
      "controlPlane[0].address: 10.30.0.11 lies inside podSubnet 10.30.0.0/16: hosts, pods and services need subnets apart",
      "workers[0].address: 10.30.0.21 lies inside podSubnet 10.30.0.0/16: hosts, pods and services need subnets apart",
      "workers[1].address: 10.30.0.22 lies inside podSubnet 10.30.0.0/16: hosts, pods and services need subnets apart",
    ]);
    expect(await reasons({ hostNetworks: ["10.96.3.1/24"] })).toEqual(["hostNetworks[0]: the hosts' network 10.96.3.0/24 overlaps serviceSubnet 10.96.0.0/12: hosts, pods and services need subnets apart"]);
    expect(await reasons({ podSubnet: "10.244.0.1/16" })).toEqual(['podSubnet: "10.244.0.1/16" has host bits set (the network is 10.244.0.0/16)']);
  });

  it("a host listed twice is refused; a host in both lists is one host", async () => {
    expect(await reasons({ workers: [{ name: "w-1", address: "10.30.0.21" }, { name: "w-1", address: "10.30.0.22" }] }))
      .toEqual(['workers[1].name: "w-1" is listed twice (also workers[0]); a host that is both a control-plane host and a worker is listed once in each']);
    expect(await reasons({ workers: [{ name: "w-1", address: "10.30.0.21" }, { name: "w-2", address: "10.30.0.21" }] }))
      .toEqual(["workers[1].address: 10.30.0.21 is also workers[0]'s address: a host is listed once"]);
    expect(await reasons({ workers: [{ name: "cp-1", address: "10.30.0.11" }] })).toEqual([]);
    expect(await reasons({ workers: [{ name: "cp-1", address: "10.30.0.12" }] })).toEqual(['workers[0].address: "cp-1" is controlPlane[0] at 10.30.0.11, not 10.30.0.12']);
  });

  it("an unknown flag is refused naming the closest one; an unsafe value is refused", async () => {
    expect(await reasons({ flags: { "kube-apiserver": { "audit-log-max-age": "3" }, "kube-controller-manager": {}, "kube-scheduler": { "--v": "2" } } })).toEqual([
      "apiServer.flags.audit-log-max-age: kube-apiserver v1.37 has no flag --audit-log-max-age (did you mean --audit-log-maxage?)",
      'scheduler.flags.--v: give the flag\'s name without dashes: "v"',
    ]);
    expect(await reasons({ flags: { "kube-apiserver": { "v": "2 --evil" }, "kube-controller-manager": {}, "kube-scheduler": {} } })).toEqual([
      'apiServer.flags.v: --v="2 --evil": a value may hold letters, digits and @+=:,./_*- only',
    ]);
  });

  it("a release missing an image the cluster runs is refused", async () => {
    expect(await reasons({ releaseImages: ["pause"] })).toEqual([
      'release.images: the cluster needs the image "coredns", and the release has pause',
      'release.images: the cluster needs the image "agnhost", and the release has pause',
    ]);
  });

  it("several control-plane hosts need an endpoint that survives one; a virtual address is not a host's", async () => {
    const cps = [1, 2, 3].map((k) => ({ name: `cp-${k}`, address: `10.30.0.1${k}` }));
    expect(await reasons({ controlPlane: cps })).toEqual([
      "endpoint: 3 control-plane hosts need an endpoint that survives losing one: give endpoint.vip (a free address on their subnet) or endpoint.address (a load balancer)",
    ]);
    expect(await reasons({ controlPlane: cps, endpoint: { kind: "vip", address: "10.30.0.12", port: 6443 } })).toEqual([
      "endpoint.vip: 10.30.0.12 is a host's own address; the virtual address must be a free one",
    ]);
  });

  it("unknown values (instances not made yet) are skipped, not refused", async () => {
    const r = await check({ workers: [{ name: "w-1", address: unknown }], controlPlane: [{ name: "cp-1", address: unknown }], endpoint: unknown });
    expect(r.failures).toBeUndefined();
    expect(r.inputs!.podCidrs).toEqual({ "w-1": "10.244.0.0/24" });
  });

  it("drydock's own flags and configs are valid for v1.37", () => {
    const v = { address: "10.0.0.1", etcdServers: "https://10.0.0.1:2379", serviceSubnet: "10.96.0.0/12", clusterDomain: "cluster.local", encryptSecrets: true };
    for (const [c, flags] of [["kube-apiserver", apiServerFlags(v)], ["kube-controller-manager", controllerManagerFlags({ clusterName: "c", serviceSubnet: "10.96.0.0/12", podSubnet: "10.244.0.0/16" })], ["kube-scheduler", schedulerFlags()]] as const) {
      expect(Object.keys(flags).filter((f) => !FLAGS[c]!.includes(f)), c).toEqual([]);
    }
    const cluster = { clusterDns: "10.96.0.10", clusterDomain: "cluster.local", taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" as const }] };
    expect(checkConfig("KubeletConfiguration", "v1.37.2", kubeletDefaults({ podCidr: "10.244.1.0/24", inContainer: true, cluster }))).toEqual([]);
    expect(checkConfig("KubeProxyConfiguration", "v1.37.2", kubeProxyDefaults({ nodeName: "n", clusterCidr: "10.244.0.0/16", inContainer: true }))).toEqual([]);
  });
});
