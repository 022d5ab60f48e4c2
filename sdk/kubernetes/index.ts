/** Upstream Kubernetes: a pinned release, and the parts of a node built from host building blocks. */
export * from "./release.js";
export * from "./parts.js";
export * from "./node.js";
export * from "./cluster-spec.js";
export * from "./cluster-pki.js";
export * from "./encryption-key.js";
export * from "./control-plane.js";
export * from "./control-plane-state.js";
export * from "./kube-proxy.js";
export * from "./pod-routes.js";
export * from "./manifests.js";
export * from "./node-registration.js";
export * from "./cluster.js";
export { clusterProblems, assignPodCidrs, type SpecProblem } from "./cluster-check.js";
export { checkFlags, type FlagProblem } from "./flag-check.js";
export { routerIdOf, type VipSettings } from "./api-endpoint.js";
export { checkConfig, knownConfigMinors, type ConfigProblem } from "./config-check.js";
export type { KubeletConfiguration, KubeProxyConfiguration, KubeSchedulerConfiguration } from "./fields/v1.37/index.js";
