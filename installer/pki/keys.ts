/** Key pairs from node:crypto (native, on libuv's thread pool), as PKCS#8 / SPKI PEM. */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { Algorithm } from "../../sdk/pki/common.js";
import { pem } from "./pem.js";

const generate = promisify(generateKeyPair);

export interface GeneratedKey {
  readonly algorithm: Algorithm;
  /** SubjectPublicKeyInfo, DER: as it goes into a certificate. */
  readonly spki: Buffer;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  readonly privateKeyPem: string;
  /** SPKI "PUBLIC KEY" PEM. */
  readonly publicKeyPem: string;
}

/** A new key pair, encoded on the thread pool too (OpenSSL's encoders are slow enough to matter on the main thread). */
export async function generateKey(a: Algorithm): Promise<GeneratedKey> {
  const publicKeyEncoding = { type: "spki", format: "der" } as const;
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  const { privateKey, publicKey } = a === "ecdsa-p256"
    ? await generate("ec", { namedCurve: "prime256v1", publicKeyEncoding, privateKeyEncoding })
    : await generate("rsa", { modulusLength: a === "rsa-2048" ? 2048 : 3072, publicExponent: 65537, publicKeyEncoding, privateKeyEncoding });
  return { algorithm: a, spki: publicKey, privateKeyPem: privateKey, publicKeyPem: pem("PUBLIC KEY", publicKey) };
}

/** The algorithm of a private key, as drydock names it. */
export function algorithmOf(key: string | KeyObject): Algorithm {
  const k = typeof key === "string" ? createPrivateKey(key) : key;
  if (k.asymmetricKeyType === "ec") {
    if (k.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error(`unsupported EC curve ${k.asymmetricKeyDetails?.namedCurve}`);
    return "ecdsa-p256";
  }
  if (k.asymmetricKeyType === "rsa") {
    const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`an RSA key of ${bits} bits is too weak: use at least 2048 bits`);
    return bits >= 3072 ? "rsa-3072" : "rsa-2048";
  }
  throw new Error(`unsupported key type ${k.asymmetricKeyType}`);
}

/** A private key to sign with. */
export interface SigningKey {
  readonly algorithm: Algorithm;
  readonly privateKey: KeyObject;
}

export function signingKey(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  return { algorithm: algorithmOf(privateKey), privateKey };
}

/** A PEM private key (PKCS#8, or SEC1/PKCS#1 as other tools write them), re-written as PKCS#8, with its public half. */
export function importKey(privateKeyPem: string): GeneratedKey & SigningKey {
  const { algorithm, privateKey } = signingKey(privateKeyPem);
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return {
    algorithm, privateKey, spki,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: pem("PUBLIC KEY", spki),
  };
}
