/**
 * kubernetes.EncryptionKey: a random key for encrypting Secrets at rest (aescbc, 32 bytes),
 * made once by drydock and kept only as a secret in state. It is never renewed on its own:
 * rotating it is a change of the program (a new key first, then the old one dropped).
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Output } from "../output.js";

export const ENCRYPTION_KEY_TYPE = "drydock:kubernetes:EncryptionKey";

export const EncryptionKeyArgsSchema = z.object({
  /** Bytes of key. @default 32 (AES-256) */
  bytes: z.union([z.literal(16), z.literal(24), z.literal(32)]).default(32),
}).strict();
export type EncryptionKeyInputs = z.infer<typeof EncryptionKeyArgsSchema>;

export class EncryptionKey extends CustomResource {
  /** The key, base64; secret. */
  declare readonly key: Output<string>;
  constructor(name: string, args: { readonly bytes?: 16 | 24 | 32 } = {}, opts?: ResourceOptions) {
    super(ENCRYPTION_KEY_TYPE, name, { ...args }, { ...opts, additionalSecretOutputs: ["key", ...(opts?.additionalSecretOutputs ?? [])] }, ["bytes", "key"]);
  }
}
