/**
 * The one rule for credentials: a value under a credential key (`privateKey`,
 * `passphrase`, `password`, at any depth) is secret, whatever form the program
 * or a provider gave it in. Applied wherever property trees enter the engine.
 */
import { CREDENTIALS, Secret, isPlainObject, isSecret, type PropertyMap, type PropertyValue } from "../../sdk/internal.js";

/** `v` with every credential leaf wrapped as a Secret; anything already secret is kept as it is. */
export function secretCredentials(v: PropertyValue): PropertyValue {
  if (isSecret(v)) return v;
  if (Array.isArray(v)) return v.map(secretCredentials);
  if (isPlainObject(v)) {
    const out: Record<string, PropertyValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, PropertyValue>)) {
      out[k] = CREDENTIALS.includes(k) && x !== null && !isSecret(x) ? new Secret(x) : secretCredentials(x);
    }
    return out;
  }
  return v;
}

export function secretCredentialsMap(m: PropertyMap): PropertyMap {
  return secretCredentials(m) as PropertyMap;
}
