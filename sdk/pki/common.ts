/** What the PKI declarations share: key algorithms, durations, and references to a CA or a certificate. */
import { z } from "zod";
import { Output, type Input } from "../output.js";

/** ECDSA P-256 unless RSA is asked for. */
export const AlgorithmSchema = z.enum(["ecdsa-p256", "rsa-2048", "rsa-3072"]);
export type Algorithm = z.infer<typeof AlgorithmSchema>;

const UNIT_MS = { h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 } as const;

/** A duration in hours, days or years: "8760h", "365d", "10y". */
export const DurationSchema = z.string().regex(/^[1-9][0-9]*(h|d|y)$/, 'must be a duration such as "8760h", "365d" or "10y"');

export function durationMs(d: string): number {
  const m = /^([1-9][0-9]*)(h|d|y)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(d)}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A CA as a certificate's issuer: its certificate and (secret) private key. */
export const CaRefSchema = z.object({
  certPem: z.string().includes("BEGIN CERTIFICATE", { message: "certPem must be a PEM certificate" }),
  keyPem: z.string().includes("PRIVATE KEY", { message: "keyPem must be a PEM private key" }),
}).strict();
export type CaRef = z.infer<typeof CaRefSchema>;

/** A certificate with its key, as a kubeconfig or a service uses it. */
export const CertRefSchema = CaRefSchema;
export type CertRef = CaRef;

export type CaLike = Input<{ readonly certPem: Input<string>; readonly keyPem: Input<string> }>
  | { readonly certPem: Output<string>; readonly keyPem: Output<string> };

/** A CertificateAuthority (or Certificate) resource, or plain PEMs, as an input object. */
export function toPemPair(x: CaLike): Input<{ readonly certPem: Input<string>; readonly keyPem: Input<string> }> {
  if (x && typeof x === "object" && !Output.isInstance(x) && "certPem" in x && "keyPem" in x) {
    return { certPem: x.certPem, keyPem: x.keyPem };
  }
  return x as Input<{ readonly certPem: Input<string>; readonly keyPem: Input<string> }>;
}

/** What issuing a certificate outputs, a CA's or a leaf's. */
export interface IssuedOutputs {
  /** The certificate, PEM. */
  readonly certPem: Output<string>;
  /** Its private key, PKCS#8 PEM; secret. */
  readonly keyPem: Output<string>;
  /** Start of its validity, ISO 8601. */
  readonly notBefore: Output<string>;
  /** End of its validity, ISO 8601; `up` renews it `renewBefore` ahead. */
  readonly notAfter: Output<string>;
  /** Its serial number, hex. */
  readonly serialNumber: Output<string>;
}

/** The names of IssuedOutputs. */
export const CERT_OUTPUTS = ["certPem", "keyPem", "notBefore", "notAfter", "serialNumber"] as const;
