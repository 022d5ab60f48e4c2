/** Stack settings → the config values a program sees (secrets decrypted, marked secret). */
import { Secret, type ConfigValue, type PropertyValue } from "../../sdk/internal.js";
import type { Redactor } from "./redact.js";
import type { StackCrypter } from "./crypter-source.js";
import { isSecureValue, type StackSettings } from "./project.js";

export function configValues(settings: StackSettings, crypter: StackCrypter): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(settings.config)) {
    out[k] = isSecureValue(v)
      ? { value: decryptConfig(crypter, k, v.secure), secret: true }
      : { value: v, secret: false };
  }
  return out;
}

/** A secret config value as stored: encrypted and bound to its key, so it cannot be copied to another. */
export function encryptConfig(crypter: StackCrypter, key: string, value: unknown): { secure: string } {
  return { secure: crypter.get().encrypt(JSON.stringify(value), configPlace(key)) };
}

export function decryptConfig(crypter: StackCrypter, key: string, secure: string): unknown {
  return JSON.parse(crypter.get().decrypt(secure, configPlace(key))) as unknown;
}

function configPlace(key: string): string {
  return `config ${key}`;
}

/** Every secret config value's strings go to the redactor, however the value is shaped. */
export function redactConfigSecrets(redactor: Redactor, config: Record<string, ConfigValue>): void {
  for (const c of Object.values(config)) if (c.secret) redactor.addTree(new Secret(c.value as PropertyValue));
}
