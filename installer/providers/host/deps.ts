/** What the host providers need: the SDK's declarations, the building blocks' options and a way to reach hosts. */
export { checkWith, isUnknown, host, type CheckContext, type ProviderContext, type ResourceProvider, type CheckResult } from "../../../sdk/index.js";
export { containsUnknown, machineOf, unknown, propertyEquals } from "../../../sdk/internal.js";
export type { Connector } from "../../transport/types.js";
export { digestOf } from "../../util/hash.js";
import { createHash } from "node:crypto";
import { HOST_STATE_DIR } from "../../host/manifest.js";
import { UNIT_DIR } from "../../host/systemd.js";

/** Where the building blocks keep things on hosts; unit tests pass folders of their own. */
export interface HostDirs {
  readonly stateDir: string;
  readonly unitDir: string;
}

export const HOST_DIRS: HostDirs = { stateDir: HOST_STATE_DIR, unitDir: UNIT_DIR };

/** A set's manifest name from its resource's URN: the resource name, and a digest that keeps two stacks apart. */
export function setNameFor(urn: string): string {
  const name = urn.slice(urn.lastIndexOf("::") + 2).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80);
  return `${name.replace(/^[._-]+/, "") || "set"}-${createHash("sha256").update(urn).digest("hex").slice(0, 10)}`;
}

