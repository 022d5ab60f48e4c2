/** What the etcd provider needs: the SDK's declarations and a way to reach hosts. */
export { CREDENTIALS } from "../../../sdk/internal.js";
export { checkWith, isUnknown, etcd, pki, PartialResultError, type ProviderContext, type ResourceProvider, type CheckContext, type DiffResult } from "../../../sdk/index.js";
export type { Connector } from "../../transport/types.js";
export { propertyEquals as same } from "../../../sdk/internal.js";
export { machineOf } from "../../../sdk/internal.js";
