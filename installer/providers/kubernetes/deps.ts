/** What the Kubernetes providers need: the SDK's declarations and a way to reach hosts. */
export { checkWith, isUnknown, kubernetes, host, type CheckContext, type ProviderContext, type ResourceProvider, type CheckResult } from "../../../sdk/index.js";
export { containsUnknown, machineOf, unknown } from "../../../sdk/internal.js";
export type { Connector } from "../../transport/types.js";
export { digestOf } from "../../util/hash.js";
