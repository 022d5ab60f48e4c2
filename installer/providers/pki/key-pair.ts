/** pki.KeyPair: a key pair in state; a new algorithm is a new key (replace). */
import { checkWith, pki, type ResourceProvider } from "./deps.js";
import { generateKey } from "../../pki/keys.js";
import { createHash } from "node:crypto";

type Inputs = pki.KeyPairInputs;
interface Outputs extends Inputs {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

export const keyPairProvider: ResourceProvider<Inputs, Outputs> = {
  async check(_olds, news) {
    return checkWith(pki.KeyPairArgsSchema, news);
  },
  async diff(_id, _olds, news, oldInputs) {
    const changes = news.algorithm !== oldInputs.algorithm;
    return { changes, replaces: changes ? ["algorithm"] : [] };
  },
  async create(inputs) {
    const k = await generateKey(inputs.algorithm);
    const id = createHash("sha256").update(k.publicKeyPem).digest("hex").slice(0, 16);
    return { id, outs: { ...inputs, publicKeyPem: k.publicKeyPem, privateKeyPem: k.privateKeyPem } };
  },
  async delete() {
    // Nothing outside state.
  },
};
