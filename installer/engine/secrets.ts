/**
 * Secrets at rest: AES-256-GCM with a key derived by scrypt from the stack's
 * passphrase and a per-stack salt. The salt string names its KDF version and
 * carries an encrypted check value, so a wrong passphrase is a clear error and
 * never garbage. A ciphertext is bound to where it belongs (additional data:
 * a resource's URN and property path, a config key), so it cannot be moved.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, scryptSync } from "node:crypto";
import { DrydockError } from "./errors.js";

const CHECK = "drydock:passphrase-check";
/** scrypt parameters by salt version: v1 (N=2^15) is still read; new stacks get v2 (N=2^17, 128 MiB). */
const KDF = {
  v1: { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 },
  v2: { N: 1 << 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 },
} as const;
type KdfVersion = keyof typeof KDF;
const CURRENT_KDF: KdfVersion = "v2";

export class Crypter {
  private constructor(private readonly key: Buffer) {}

  /** A new salt string `v2:<salt>:<check>` for a stack, with the crypter that goes with it. */
  static create(passphrase: string): { salt: string; crypter: Crypter } {
    const salt = randomBytes(16);
    const crypter = new Crypter(derive(passphrase, salt, CURRENT_KDF));
    return { salt: `${CURRENT_KDF}:${salt.toString("base64")}:${crypter.encrypt(CHECK, CHECK)}`, crypter };
  }

  /** Opens a stack's secrets; throws a clear error on a wrong passphrase. */
  static open(passphrase: string, saltString: string, stack: string): Crypter {
    const m = /^(v[12]):([A-Za-z0-9+/=]+):(.+)$/.exec(saltString);
    if (!m) throw new DrydockError("input", `stack "${stack}": encryptionsalt "${saltString}" is malformed`);
    return Crypter.withKey(derive(passphrase, Buffer.from(m[2]!, "base64"), m[1] as KdfVersion), saltString, stack);
  }

  /**
   * Opens a stack's secrets with a key derived earlier in this process (the
   * plan pass's, handed to the apply pass), so scrypt runs once per command.
   * The salt's check value is still verified.
   */
  static withKey(key: Uint8Array, saltString: string, stack: string): Crypter {
    const m = /^(v[12]):([A-Za-z0-9+/=]+):(.+)$/.exec(saltString);
    if (!m) throw new DrydockError("input", `stack "${stack}": encryptionsalt "${saltString}" is malformed`);
    const crypter = new Crypter(Buffer.from(key));
    let ok = false;
    try {
      ok = crypter.decrypt(m[3]!, CHECK) === CHECK;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new DrydockError("input", `incorrect passphrase for stack "${stack}": its secrets cannot be decrypted`);
    }
    return crypter;
  }

  /** `v2:<iv>:<ciphertext+tag>`, authenticated together with `where` (which is not stored). */
  encrypt(plaintext: string, where: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(where, "utf8"));
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final(), c.getAuthTag()]);
    return `v2:${iv.toString("base64")}:${ct.toString("base64")}`;
  }

  /**
   * Decrypts a ciphertext made for `where`. A `v1:` one (written before ciphertexts
   * were bound) is read without additional data; the next write binds it.
   */
  decrypt(ciphertext: string, where: string): string {
    const m = /^(v[12]):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(ciphertext);
    if (!m) throw new DrydockError("input", `the secret at ${where} is malformed`);
    const iv = Buffer.from(m[2]!, "base64");
    const data = Buffer.from(m[3]!, "base64");
    const d = createDecipheriv("aes-256-gcm", this.key, iv);
    if (m[1] === "v2") d.setAAD(Buffer.from(where, "utf8"));
    d.setAuthTag(data.subarray(data.length - 16));
    try {
      return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString("utf8");
    } catch (e) {
      throw new DrydockError("failed", `the secret at ${where} cannot be decrypted: it was encrypted for another place, or it is damaged`, {}, { cause: e });
    }
  }

  /** A copy of the derived key, to hand to another pass of the same command (never written anywhere). */
  exportKey(): Uint8Array {
    return new Uint8Array(this.key);
  }

  /** Is this ciphertext in the format from before ciphertexts were bound to their place? */
  static isUnbound(ciphertext: string): boolean {
    return ciphertext.startsWith("v1:");
  }
}

function derive(passphrase: string, salt: Buffer, version: KdfVersion): Buffer {
  return scryptSync(passphrase, salt, 32, KDF[version]);
}

/**
 * The key `Crypter.open` would derive for this salt string, computed off the
 * calling thread (libuv's pool). Not checked here: `Crypter.withKey` checks it.
 */
export function deriveKeyAsync(passphrase: string, saltString: string): Promise<Buffer> {
  const m = /^(v[12]):([A-Za-z0-9+/=]+):(.+)$/.exec(saltString);
  if (!m) return Promise.reject(new Error("malformed salt"));
  return new Promise((resolve, reject) => {
    scrypt(passphrase, Buffer.from(m[2]!, "base64"), 32, KDF[m[1] as KdfVersion], (e, key) => (e ? reject(e) : resolve(key)));
  });
}

/** Where the passphrase comes from; read only when secrets are needed. */
export interface PassphraseSource {
  get(): string | undefined;
  /** How to provide one, for error messages. */
  readonly hint: string;
}
