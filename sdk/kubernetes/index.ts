/** Upstream Kubernetes: a pinned release, and the parts of a node built from host building blocks. */
export * from "./release.js";
export * from "./parts.js";
export * from "./node.js";
export { checkConfig, knownConfigMinors, type ConfigProblem } from "./config-check.js";
export type { KubeletConfiguration, KubeProxyConfiguration, KubeSchedulerConfiguration } from "./fields/v1.37/index.js";
