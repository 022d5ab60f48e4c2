/** Key pairs from node:crypto's WebCrypto (native, fast for ECDSA), as PKCS#8 / SPKI PEM. */
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import type { Algorithm } from "../../sdk/pki/common.js";
import { der, pem } from "./pem.js";

const subtle = webcrypto.subtle;

type KeyParams = webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;

function keyParams(a: Algorithm): KeyParams {
  if (a === "ecdsa-p256") return { name: "ECDSA", namedCurve: "P-256" };
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
}

/** How certificates signed by this kind of key are signed: SHA-256 either way. */
export function signingAlgorithm(p: KeyParams): { name: string; hash?: string } {
  return p.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };
}

export interface GeneratedKey {
  readonly keys: webcrypto.CryptoKeyPair;
  readonly params: KeyParams;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export async function generateKey(a: Algorithm): Promise<GeneratedKey> {
  const params = keyParams(a);
  const gen = a === "ecdsa-p256"
    ? { name: "ECDSA", namedCurve: "P-256" }
    : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: a === "rsa-2048" ? 2048 : 3072, publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = (await subtle.generateKey(gen, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const [priv, pub] = await Promise.all([subtle.exportKey("pkcs8", keys.privateKey), subtle.exportKey("spki", keys.publicKey)]);
  return { keys, params, privateKeyPem: pem("PRIVATE KEY", priv), publicKeyPem: pem("PUBLIC KEY", pub) };
}

/** The algorithm of a PEM private key, as drydock names it. */
export function algorithmOf(privateKeyPem: string): Algorithm {
  const k = createPrivateKey(privateKeyPem);
  if (k.asymmetricKeyType === "ec") {
    if (k.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error(`unsupported EC curve ${k.asymmetricKeyDetails?.namedCurve}`);
    return "ecdsa-p256";
  }
  if (k.asymmetricKeyType === "rsa") return (k.asymmetricKeyDetails?.modulusLength ?? 0) >= 3072 ? "rsa-3072" : "rsa-2048";
  throw new Error(`unsupported key type ${k.asymmetricKeyType}`);
}

/** A PEM private key (PKCS#8, or SEC1/PKCS#1 as other tools write them) as a WebCrypto key pair. */
export async function importKey(privateKeyPem: string): Promise<{ keys: webcrypto.CryptoKeyPair; params: KeyParams }> {
  const params = keyParams(algorithmOf(privateKeyPem));
  const k = createPrivateKey(privateKeyPem);
  const pkcs8 = k.export({ type: "pkcs8", format: "pem" }).toString();
  const spki = createPublicKey(k).export({ type: "spki", format: "der" });
  const [privateKey, publicKey] = await Promise.all([
    subtle.importKey("pkcs8", der("PRIVATE KEY", pkcs8), params, true, ["sign"]),
    subtle.importKey("spki", spki, params, true, ["verify"]),
  ]);
  return { keys: { privateKey, publicKey }, params };
}
