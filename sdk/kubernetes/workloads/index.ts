/** Workloads: Kubernetes objects as resources (server-side apply, prune, readiness). */
export * from "./access.js";
export * from "./object.js";
export * from "./kinds.js";
export * from "./patch.js";
export { ObjectGroup, memberName, type GroupSettings } from "./group.js";
export * from "./yaml.js";
export * from "./chart.js";
export * from "./app.js";
