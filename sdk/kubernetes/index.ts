/** Upstream Kubernetes: a pinned release, and the parts of a node built from host building blocks. */
export * from "./release.js";
