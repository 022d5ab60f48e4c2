/** Stack settings → the config values a program sees (secrets decrypted, marked secret). */
import type { ConfigValue } from "../../sdk/internal.js";
import type { StackCrypter } from "./crypter-source.js";
import { isSecureValue, type StackSettings } from "./project.js";

export function configValues(settings: StackSettings, crypter: StackCrypter): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(settings.config)) {
    out[k] = isSecureValue(v)
      ? { value: JSON.parse(crypter.get().decrypt(v.secure)) as unknown, secret: true }
      : { value: v, secret: false };
  }
  return out;
}
