/** What the SSH providers need: the SDK's declarations and a way to reach a host. */
export { checkWith, isUnknown, ssh, type ProviderContext, type ResourceProvider, type CheckContext } from "../../../sdk/index.js";
export type { Connection } from "../../../sdk/ssh/connection.js";
export { propertyEquals, withFileMode } from "../../../sdk/internal.js";
import type { Connection } from "../../../sdk/ssh/connection.js";
import type { Transport } from "../../transport/types.js";

/** Opens (or reuses) a transport for a connection; unit tests pass a fake. */
export type Connector = (c: Connection, log?: (m: string) => void) => Transport;
