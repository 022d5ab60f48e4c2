/** What the local providers need from the SDK. */
export { checkWith, isUnknown, local, type ProviderContext, type ResourceProvider } from "../../../sdk/index.js";
import { propertyEquals, type PropertyValue } from "../../../sdk/internal.js";
export { withFileMode } from "../../../sdk/internal.js";

/** Deep equality of plain values (JSON-like). */
export function propertyEqualsPlain(a: unknown, b: unknown): boolean {
  return propertyEquals(a as PropertyValue | undefined, b as PropertyValue | undefined);
}
