/** What the SSH providers need: the SDK's declarations and a way to reach a host. */
export { checkWith, isUnknown, ssh, type ProviderContext, type ResourceProvider, type CheckContext } from "../../../sdk/index.js";
export type { Connection } from "../../../sdk/ssh/connection.js";
export { CREDENTIALS, machineOf, propertyEquals, sameMachine, withFileMode } from "../../../sdk/internal.js";
export type { Connector } from "../../transport/types.js";
