/** pki.KeyPair: a bare key pair, such as the service-account signing key. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { AlgorithmSchema } from "./common.js";

export const KEY_PAIR_TYPE = "drydock:pki:KeyPair";

export const KeyPairArgsSchema = z.object({
  /** @default "ecdsa-p256" */
  algorithm: AlgorithmSchema.default("ecdsa-p256"),
}).strict();

export type KeyPairInputs = z.infer<typeof KeyPairArgsSchema>;

export interface KeyPairArgs {
  readonly algorithm?: Input<"ecdsa-p256" | "rsa-2048" | "rsa-3072">;
}

export class KeyPair extends CustomResource {
  /** SPKI PEM. */
  declare readonly publicKeyPem: Output<string>;
  /** PKCS#8 PEM; secret. */
  declare readonly privateKeyPem: Output<string>;

  constructor(name: string, args: KeyPairArgs = {}, opts?: ResourceOptions) {
    super(KEY_PAIR_TYPE, name, { ...args }, { ...opts, additionalSecretOutputs: ["privateKeyPem", ...(opts?.additionalSecretOutputs ?? [])] },
      ["publicKeyPem", "privateKeyPem"]);
  }
}
