/** What the local providers need from the SDK. */
export { checkWith, isUnknown, local, type ProviderContext, type ResourceProvider } from "../../../sdk/index.js";
export { propertyEquals, withFileMode } from "../../../sdk/internal.js";
