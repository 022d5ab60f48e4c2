/** kubernetes.EncryptionKey: random bytes made once, here, and kept only as a secret in state. */
import { randomBytes } from "node:crypto";
import { checkWith, kubernetes, type ResourceProvider } from "./deps.js";

type Inputs = kubernetes.EncryptionKeyInputs;
export interface EncryptionKeyOutputs extends Inputs {
  readonly key: string;
}

export function encryptionKeyProvider(): ResourceProvider<Inputs, EncryptionKeyOutputs> {
  return {
    secretOutputs: ["key"],
    async check(_olds, news) {
      return checkWith(kubernetes.EncryptionKeyArgsSchema, news);
    },
    async diff(_id, olds, news) {
      // A new size is a new key: Secrets written with the old one could no longer be read, so it is refused.
      if (news.bytes !== olds.bytes) throw new Error(`changing the key's size (${olds.bytes} → ${news.bytes}) would make a new key that cannot read what the old one encrypted; declare a second key instead`);
      return { changes: false };
    },
    async create(i) {
      return { id: `key-${randomBytes(4).toString("hex")}`, outs: { ...i, key: randomBytes(i.bytes).toString("base64") } };
    },
  };
}
