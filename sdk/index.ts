/** drydock: what programs import. */
export {
  Output, output, all, secret, unsecret, isSecret, interpolate, concat,
  type Input, type Inputs, type Unwrap,
} from "./output.js";
export {
  Resource, CustomResource, ComponentResource,
  type ResourceOptions, type Alias, type CustomTimeouts,
} from "./resource.js";
export { Config, ConfigError } from "./config.js";
export { getProject, getStack, isDryRun } from "./runtime.js";
export { createUrn, parseUrn } from "./urn.js";
export {
  checkWith, PartialResultError, type AnyProvider,
  type ResourceProvider, type ProviderContext, type CheckContext, type CheckResult, type CheckFailure,
  type DiffResult, type BackupPart, type CreateResult, type ReadResult, type UpdateResult,
} from "./provider.js";
export { isUnknown } from "./properties.js";
export type { ArgsOf, Inputify, Override } from "./args.js";
export { outputNames, type OutputsOf } from "./resource-outputs.js";
export { ArtifactSchema, type Artifact } from "./artifact.js";
export * as local from "./local/index.js";
export * as ssh from "./ssh/index.js";
export * as lxd from "./lxd/index.js";
export * as pki from "./pki/index.js";
export * as etcd from "./etcd/index.js";
export * as host from "./host/index.js";
export * as kubernetes from "./kubernetes/index.js";
