/**
 * Secrets at rest: AES-256-GCM with a key derived by scrypt from the stack's
 * passphrase and a per-stack salt. The salt string also carries an encrypted
 * check value, so a wrong passphrase is a clear error and never garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { DrydockError } from "./errors.js";

const CHECK = "drydock:passphrase-check";
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export class Crypter {
  private constructor(private readonly key: Buffer) {}

  /** A new salt string `v1:<salt>:<check>` for a stack, with the crypter that goes with it. */
  static create(passphrase: string): { salt: string; crypter: Crypter } {
    const salt = randomBytes(16);
    const crypter = new Crypter(derive(passphrase, salt));
    return { salt: `v1:${salt.toString("base64")}:${crypter.encrypt(CHECK)}`, crypter };
  }

  /** Opens a stack's secrets; throws a clear error on a wrong passphrase. */
  static open(passphrase: string, saltString: string, stack: string): Crypter {
    const m = /^v1:([A-Za-z0-9+/=]+):(.+)$/.exec(saltString);
    if (!m) throw new DrydockError("input", `stack "${stack}": encryptionsalt "${saltString}" is malformed`);
    const crypter = new Crypter(derive(passphrase, Buffer.from(m[1]!, "base64")));
    let ok = false;
    try {
      ok = crypter.decrypt(m[2]!) === CHECK;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new DrydockError("input", `incorrect passphrase for stack "${stack}": its secrets cannot be decrypted`);
    }
    return crypter;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final(), c.getAuthTag()]);
    return `v1:${iv.toString("base64")}:${ct.toString("base64")}`;
  }

  decrypt(ciphertext: string): string {
    const m = /^v1:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(ciphertext);
    if (!m) throw new DrydockError("input", "a secret in state or config is malformed");
    const iv = Buffer.from(m[1]!, "base64");
    const data = Buffer.from(m[2]!, "base64");
    const d = createDecipheriv("aes-256-gcm", this.key, iv);
    d.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([d.update(data.subarray(0, data.length - 16)), d.final()]).toString("utf8");
  }
}

function derive(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, SCRYPT);
}

/** Where the passphrase comes from; read only when secrets are needed. */
export interface PassphraseSource {
  get(): string | undefined;
  /** How to provide one, for error messages. */
  readonly hint: string;
}
