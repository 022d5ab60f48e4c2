/** kubelet settings are checked in the plan against the release's own config API (fields listed from its Go types). */
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../sdk/kubernetes/config-check.js";
import { kubeletDefaults } from "../../../sdk/kubernetes/node.js";
import { nodeStateProvider } from "../../../installer/providers/kubernetes/node-state.js";

const connection = { host: "10.0.0.2", port: 22, user: "root", privateKeyPath: "/k", hostKeys: ["SHA256:hltDr1Zg1Xrvu0cl2juYj6Vz3GVggBN62PYbVSjEJRI"] };
const check = (kubeletConfig: Record<string, unknown>, version = "v1.37.2") =>
  nodeStateProvider((() => { throw new Error("no host in a check"); }) as never).check!(undefined, { connection, node: "n1", version, kubeletConfig });

describe("kubelet settings", () => {
  it("drydock's own defaults are valid for v1.37, in and out of containers", () => {
    expect(checkConfig("KubeletConfiguration", "v1.37.2", kubeletDefaults({ podCidr: "10.244.1.0/24", inContainer: true }))).toEqual([]);
    expect(checkConfig("KubeletConfiguration", "v1.37.2", kubeletDefaults({ podCidr: "10.244.1.0/24", inContainer: false }))).toEqual([]);
  });

  it("an unknown field is refused in the plan, naming the closest valid one, at its path", async () => {
    const r = await check({ maxPod: 50, evictionHard: { "memory.available": "5%" }, authentication: { x509: { clientCaFile: "/ca" } } });
    expect(r.failures).toEqual([
      { property: "kubeletConfig.maxPod", reason: 'KubeletConfiguration v1.37 has no field "maxPod" (did you mean "maxPods"?) (got 50)' },
      { property: "kubeletConfig.authentication.x509.clientCaFile", reason: 'KubeletConfiguration v1.37 has no field "clientCaFile" (did you mean "clientCAFile"?) (got "/ca")' },
    ]);
  });

  it("a field removed upstream is refused; one added in 1.35+ is known", async () => {
    expect((await check({ podInfraContainerImage: "registry.k8s.io/pause:3.10" })).failures?.[0]?.reason).toMatch(/^KubeletConfiguration v1.37 has no field "podInfraContainerImage"/);
    expect((await check({ failCgroupV1: false, imagePullCredentialsVerificationPolicy: "NeverVerify" })).failures).toBeUndefined();
  });

  it("a value of the wrong shape is refused with the type the API has", async () => {
    const r = await check({ maxPods: "110", failSwapOn: "no", syncFrequency: "a minute", clusterDNS: "10.96.0.10" });
    expect(r.failures).toEqual([
      { property: "kubeletConfig.maxPods", reason: 'must be an integer (int32) (got "110")' },
      { property: "kubeletConfig.failSwapOn", reason: 'must be true or false (got "no")' },
      { property: "kubeletConfig.syncFrequency", reason: 'must be a duration such as "10s" or "2m30s" (got "a minute")' },
      { property: "kubeletConfig.clusterDNS", reason: 'must be a list ([]string) (got "10.96.0.10")' },
    ]);
  });

  it("scalars of the API's own kinds: durations or nanoseconds, quantities, nested lists", () => {
    const ok = { logging: { flushFrequency: 5_000_000_000, options: { json: { infoBufferSize: "0" } } }, registerWithTaints: [{ key: "k", effect: "NoSchedule" }], shutdownGracePeriod: "30s" };
    expect(checkConfig("KubeletConfiguration", "v1.37.2", ok)).toEqual([]);
    expect(checkConfig("KubeletConfiguration", "v1.37.2", { logging: { flushFrequency: "soon" }, registerWithTaints: [{ kee: "k" }] })).toEqual([
      { path: "logging.flushFrequency", message: 'must be a duration such as "5s", or nanoseconds' },
      { path: "registerWithTaints[0].kee", message: 'KubeletConfiguration v1.37 has no field "kee" (did you mean "key"?)' },
    ]);
  });

  it("a Kubernetes minor without a field list is refused rather than unchecked", async () => {
    expect((await check({}, "v1.30.1")).failures).toEqual([{ property: "kubeletConfig", reason: "drydock has no KubeletConfiguration field list for Kubernetes v1.30 (it has v1.37) (got {})" }]);
  });
});
