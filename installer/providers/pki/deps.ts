/** What the PKI providers need: the SDK's declarations, the certificate functions and a clock. */
export { checkWith, isUnknown, pki, type ResourceProvider } from "../../../sdk/index.js";
export { propertyEquals } from "../../../sdk/internal.js";

/** Now; tests pass another to see certificates age. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
