/** pki.KeyPair: a bare key pair, such as the service-account signing key. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf } from "../args.js";
import { AlgorithmSchema } from "./common.js";

export const KEY_PAIR_TYPE = "drydock:pki:KeyPair";

export const KeyPairArgsSchema = z.object({
  /** The key's algorithm. @default "ecdsa-p256" */
  algorithm: AlgorithmSchema.default("ecdsa-p256"),
}).strict();

export type KeyPairInputs = z.infer<typeof KeyPairArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface KeyPairArgs extends ArgsOf<z.input<typeof KeyPairArgsSchema>> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface KeyPair extends OutputsOf<KeyPairInputs> {}

export class KeyPair extends CustomResource {
  /** SPKI PEM. */
  declare readonly publicKeyPem: Output<string>;
  /** PKCS#8 PEM; secret. */
  declare readonly privateKeyPem: Output<string>;

  constructor(name: string, args: KeyPairArgs = {}, opts?: ResourceOptions) {
    super(KEY_PAIR_TYPE, name, { ...args }, { ...opts, additionalSecretOutputs: ["privateKeyPem", ...(opts?.additionalSecretOutputs ?? [])] },
      outputNames(KeyPairArgsSchema, ["publicKeyPem", "privateKeyPem"]));
  }
}
