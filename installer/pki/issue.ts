/**
 * Certificates, made in-process: self-signed CAs and the leaves they sign.
 * Every one is meant to pass `openssl verify -x509_strict` with its purpose:
 * CAs carry critical basicConstraints and keyCertSign; leaves carry the CA's
 * key id as authorityKeyIdentifier and only the extended usages asked for.
 */
import { randomBytes, webcrypto, X509Certificate } from "node:crypto";
import type { Algorithm } from "../../sdk/pki/common.js";
import type { Usage } from "../../sdk/pki/certificate.js";
import { generateKey, importKey, signingAlgorithm, type GeneratedKey } from "./keys.js";
import { pem } from "./pem.js";
import { x509 } from "./x509.js";

/** Certificates start a little in the past, for hosts whose clocks lag. */
const BACKDATE_MS = 5 * 60_000;

export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly serialNumber: string;
}

export interface Subject {
  readonly commonName: string;
  readonly organization?: readonly string[];
}

/** A positive, non-zero 128-bit serial number, hex. */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString("hex");
}

function name(s: Subject): Array<Record<string, string[]>> {
  return [...(s.organization ?? []).map((o) => ({ O: [o] })), { CN: [s.commonName] }];
}

function window(now: Date, validityMs: number): { notBefore: Date; notAfter: Date } {
  const t = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(t - BACKDATE_MS), notAfter: new Date(t + validityMs) };
}

function result(der: ArrayBuffer, keyPem: string): Issued {
  const certPem = pem("CERTIFICATE", der);
  const c = new X509Certificate(certPem);
  return {
    certPem, keyPem,
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    serialNumber: c.serialNumber.toLowerCase(),
  };
}

export interface CaRequest extends Subject {
  readonly algorithm: Algorithm;
  readonly validityMs: number;
  readonly now: Date;
  /** Renew with this key (certificates it issued stay valid) instead of a new one. */
  readonly keyPem?: string;
}

export async function issueCa(r: CaRequest): Promise<Issued> {
  const X = await x509();
  const key: Pick<GeneratedKey, "keys" | "params" | "privateKeyPem"> = r.keyPem
    ? { ...(await importKey(r.keyPem)), privateKeyPem: r.keyPem }
    : await generateKey(r.algorithm);
  const ski = await X.SubjectKeyIdentifierExtension.create(key.keys.publicKey);
  const cert = await X.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: new X.Name(name(r)),
    ...window(r.now, r.validityMs),
    signingAlgorithm: signingAlgorithm(key.params),
    keys: key.keys,
    extensions: [
      new X.BasicConstraintsExtension(true, undefined, true),
      new X.KeyUsagesExtension(X.KeyUsageFlags.keyCertSign | X.KeyUsageFlags.cRLSign | X.KeyUsageFlags.digitalSignature, true),
      ski,
      new X.AuthorityKeyIdentifierExtension(ski.keyId),
    ],
  });
  return result(cert.rawData, key.privateKeyPem);
}

export interface LeafRequest extends Subject {
  readonly ca: { readonly certPem: string; readonly keyPem: string };
  readonly usages: readonly Usage[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly algorithm: Algorithm;
  readonly validityMs: number;
  readonly now: Date;
}

/** The CA's certificate and key, parsed once per CA for many leaves. */
export interface Signer {
  readonly certPem: string;
  readonly keyPem: string;
  readonly subject: import("@peculiar/x509").Name;
  readonly keyId: string;
  readonly privateKey: webcrypto.CryptoKey;
  readonly params: Awaited<ReturnType<typeof importKey>>["params"];
}

const signers = new Map<string, Promise<Signer>>();

export function signer(ca: { readonly certPem: string; readonly keyPem: string }): Promise<Signer> {
  const key = `${ca.certPem}\n${ca.keyPem}`;
  let s = signers.get(key);
  if (!s) {
    s = (async () => {
      const X = await x509();
      const cert = new X.X509Certificate(ca.certPem);
      const { keys, params } = await importKey(ca.keyPem);
      const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", keys.publicKey));
      if (!spki.equals(Buffer.from(cert.publicKey.rawData))) throw new Error("the CA's private key does not belong to its certificate");
      const ski = cert.getExtension(X.SubjectKeyIdentifierExtension)?.keyId
        ?? (await X.SubjectKeyIdentifierExtension.create(keys.publicKey)).keyId;
      return { ...ca, subject: new X.Name(cert.subject), keyId: ski, privateKey: keys.privateKey, params };
    })();
    signers.set(key, s);
    s.catch(() => signers.delete(key));
  }
  return s;
}

const EKU: Record<Usage, string[]> = {
  server: ["1.3.6.1.5.5.7.3.1"],
  client: ["1.3.6.1.5.5.7.3.2"],
  peer: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
};

export async function issueLeaf(r: LeafRequest): Promise<Issued> {
  const X = await x509();
  const [ca, key] = await Promise.all([signer(r.ca), generateKey(r.algorithm)]);
  const ekus = [...new Set(r.usages.flatMap((u) => EKU[u]))];
  const flags = X.KeyUsageFlags.digitalSignature | (r.algorithm === "ecdsa-p256" ? 0 : X.KeyUsageFlags.keyEncipherment);
  const sans = [
    ...(r.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(r.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const cert = await X.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: new X.Name(name(r)),
    issuer: ca.subject,
    ...window(r.now, r.validityMs),
    signingAlgorithm: signingAlgorithm(ca.params),
    publicKey: key.keys.publicKey,
    signingKey: ca.privateKey,
    extensions: [
      new X.BasicConstraintsExtension(false, undefined, true),
      new X.KeyUsagesExtension(flags, true),
      new X.ExtendedKeyUsageExtension(ekus),
      ...(sans.length ? [new X.SubjectAlternativeNameExtension(sans)] : []),
      await X.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
      new X.AuthorityKeyIdentifierExtension(ca.keyId),
    ],
  });
  return result(cert.rawData, key.privateKeyPem);
}
