/** pki.Certificate: a leaf signed by a CertificateAuthority, for servers, clients or peers. */
import { isIP } from "../net.js";
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import { secret, type Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { AlgorithmSchema, CaRefSchema, CERT_OUTPUTS, type IssuedOutputs, DurationSchema, durationMs, toPemPair, type CaLike } from "./common.js";

export const CERTIFICATE_TYPE = "drydock:pki:Certificate";

/** server: TLS server auth; client: TLS client auth; peer: both (etcd peers). */
export const UsageSchema = z.enum(["server", "client", "peer"]);
export type Usage = z.infer<typeof UsageSchema>;

const DnsNameSchema = z.string().regex(/^(\*\.)?[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
  "must be a DNS name such as etcd-0.example.internal");

export const CertificateArgsSchema = z.object({
  /** The issuer: a pki.CertificateAuthority, or `{ certPem, keyPem }`. */
  ca: CaRefSchema,
  /** Subject CN; Kubernetes reads it as the user name (system:node:web-1). */
  commonName: z.string().min(1, "commonName must not be empty"),
  /** Subject O= values; Kubernetes reads them as groups (system:masters, system:nodes). @default [] */
  organization: z.array(z.string().min(1)).default([]),
  /** server (TLS server auth), client (TLS client auth), peer (both, as etcd peers use). */
  usages: z.array(UsageSchema).min(1, "usages must name at least one of server, client, peer"),
  /** Subject alternative DNS names; a server or peer certificate needs one of these or an IP address. @default [] */
  dnsNames: z.array(DnsNameSchema).default([]),
  /** Subject alternative IP addresses (IPv4 or IPv6). @default [] */
  ipAddresses: z.array(z.string().refine((s) => isIP(s), "must be an IPv4 or IPv6 address")).default([]),
  /** The key's algorithm. @default "ecdsa-p256" */
  algorithm: AlgorithmSchema.default("ecdsa-p256"),
  /** How long it is valid from issue: "8760h", "365d", "10y". @default "365d" */
  validity: DurationSchema.default("365d"),
  /** Renewed by `up` (and shown by `preview`) when this close to its end. @default "30d" */
  renewBefore: DurationSchema.default("30d"),
}).strict().superRefine((v, ctx) => {
  const valid = (d: string) => DurationSchema.safeParse(d).success;
  if (valid(v.renewBefore) && valid(v.validity) && durationMs(v.renewBefore) >= durationMs(v.validity)) {
    ctx.addIssue({ code: "custom", path: ["renewBefore"], message: `renewBefore (${v.renewBefore}) must be shorter than validity (${v.validity}), or every run would renew it` });
  }
  if (v.usages.some((u) => u !== "client") && v.dnsNames.length + v.ipAddresses.length === 0) {
    ctx.addIssue({ code: "custom", path: ["dnsNames"], message: "a server or peer certificate needs at least one DNS name or IP address" });
  }
});

export type CertificateInputs = z.infer<typeof CertificateArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface CertificateArgs extends Override<ArgsOf<z.input<typeof CertificateArgsSchema>>, { ca: CaLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Certificate extends OutputsOf<CertificateInputs>, IssuedOutputs {}

export class Certificate extends CustomResource {
  /** The issuing CA's certificate, for bundles and kubeconfigs. */
  declare readonly caCertPem: Output<string>;

  constructor(name: string, args: CertificateArgs, opts?: ResourceOptions) {
    const pair = toPemPair(args.ca);
    const ca = pair && typeof pair === "object" && "keyPem" in pair ? { ...pair, keyPem: secret(pair.keyPem) } : pair;
    super(CERTIFICATE_TYPE, name, { ...args, ca }, { ...opts, additionalSecretOutputs: ["keyPem", ...(opts?.additionalSecretOutputs ?? [])] },
      outputNames(CertificateArgsSchema, [...CERT_OUTPUTS, "caCertPem"]));
  }
}
