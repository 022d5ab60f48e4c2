/** pki.Kubeconfig: a kubeconfig for one user of one cluster, with its certificate embedded. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import { Output, secret, type Input } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { CertRefSchema, toPemPair, type CaLike } from "./common.js";

export const KUBECONFIG_TYPE = "drydock:pki:Kubeconfig";

const NameSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._:@-]*$/, "must be letters, digits and . _ : @ -");

export const KubeconfigArgsSchema = z.object({
  /** The API server's URL: https://10.0.0.10:6443 */
  server: z.string().regex(/^https:\/\/[^\s/]+(:\d+)?\/?$/, 'must be an https URL such as "https://10.0.0.10:6443"'),
  /** The cluster CA's certificate. */
  caCertPem: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }),
  /** The user's client certificate: a pki.Certificate with client usage, or `{ certPem, keyPem }`. */
  certificate: CertRefSchema,
  /** The name of the kubeconfig's cluster entry. @default "drydock" */
  clusterName: NameSchema.default("drydock"),
  /** The name of the kubeconfig's user entry. @default the resource's name */
  userName: NameSchema,
  /** The name of its context. @default `${userName}@${clusterName}` */
  contextName: NameSchema.optional(),
}).strict();

export type KubeconfigInputs = z.infer<typeof KubeconfigArgsSchema>;

/**
 * What a program passes; fields documented on the schema, except `ca`, which
 * takes the CA resource where the schema holds its certificate (`caCertPem`).
 */
export interface KubeconfigArgs extends Override<Omit<ArgsOf<z.input<typeof KubeconfigArgsSchema>, "userName">, "caCertPem">, { certificate: CaLike }> {
  /** The cluster's CA: a pki.CertificateAuthority, or its certificate's PEM. */
  readonly ca: Input<string> | { readonly certPem: Output<string> };
}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Kubeconfig extends OutputsOf<KubeconfigInputs> {}

export class Kubeconfig extends CustomResource {
  /** The kubeconfig YAML; secret (it holds the private key). */
  declare readonly content: Output<string>;

  constructor(name: string, args: KubeconfigArgs, opts?: ResourceOptions) {
    const { ca, certificate, ...rest } = args;
    const caCertPem = ca && typeof ca === "object" && !Output.isInstance(ca) && "certPem" in ca ? ca.certPem : (ca as Input<string>);
    const pair = toPemPair(certificate);
    const cert = pair && typeof pair === "object" && "keyPem" in pair ? { ...pair, keyPem: secret(pair.keyPem) } : pair;
    super(KUBECONFIG_TYPE, name, { ...rest, userName: args.userName ?? name, caCertPem, certificate: cert },
      { ...opts, additionalSecretOutputs: ["content", ...(opts?.additionalSecretOutputs ?? [])] }, outputNames(KubeconfigArgsSchema, ["content"]));
  }
}
