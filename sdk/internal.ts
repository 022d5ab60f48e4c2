/** For the installer and tests: the runtime seam and the property model. Not for programs. */
export * from "./runtime.js";
export * from "./properties.js";
export { resolveDeep, type OutputData } from "./output.js";
export { resourceInternals, isResource, type ResourceInternals } from "./resource.js";
export { qualifyType, checkTypeToken, urnName } from "./urn.js";
export { formatProblems, formatPath, withoutValue, zodProblems, type Problem } from "./validation.js";
export { withFileMode, FileModeSchema, PUBLIC_FILE_MODE, SECRET_FILE_MODE } from "./file-mode.js";
export { CREDENTIALS, machineOf, sameMachine } from "./ssh/connection.js";
