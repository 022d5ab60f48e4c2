/** pki.CertificateAuthority: a self-signed CA (Kubernetes, etcd, front-proxy), renewed with the same key. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { ArgsOf } from "../args.js";
import { AlgorithmSchema, CERT_OUTPUTS, type IssuedOutputs, DurationSchema } from "./common.js";

export const CA_TYPE = "drydock:pki:CertificateAuthority";

export const CertificateAuthorityArgsSchema = z.object({
  /** The CA's subject CN, such as "kubernetes-ca". */
  commonName: z.string().min(1, "commonName must not be empty"),
  /** Subject O= values. @default [] */
  organization: z.array(z.string().min(1)).default([]),
  /** The key's algorithm. @default "ecdsa-p256" */
  algorithm: AlgorithmSchema.default("ecdsa-p256"),
  /** How long it is valid from issue: "8760h", "365d", "10y". @default "3650d" */
  validity: DurationSchema.default("3650d"),
  /** Renewed (same key, so certificates it issued stay valid) when this close to its end. @default "180d" */
  renewBefore: DurationSchema.default("180d"),
}).strict();

export type CertificateAuthorityInputs = z.infer<typeof CertificateAuthorityArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface CertificateAuthorityArgs extends ArgsOf<z.input<typeof CertificateAuthorityArgsSchema>> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface CertificateAuthority extends OutputsOf<CertificateAuthorityInputs>, IssuedOutputs {}

export class CertificateAuthority extends CustomResource {
  constructor(name: string, args: CertificateAuthorityArgs, opts?: ResourceOptions) {
    super(CA_TYPE, name, { ...args }, { ...opts, additionalSecretOutputs: ["keyPem", ...(opts?.additionalSecretOutputs ?? [])] },
      outputNames(CertificateAuthorityArgsSchema, CERT_OUTPUTS));
  }
}
