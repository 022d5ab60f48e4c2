/**
 * Certificates, made in-process: self-signed CAs and the leaves they sign.
 * Every one is meant to pass `openssl verify -x509_strict` with its purpose:
 * CAs carry critical basicConstraints and keyCertSign; leaves carry the CA's
 * key id as authorityKeyIdentifier and only the extended usages asked for.
 */
import { randomBytes, X509Certificate } from "node:crypto";
import type { Algorithm } from "../../sdk/pki/common.js";
import type { Usage } from "../../sdk/pki/certificate.js";
import { generateKey, importKey, signingKey, type SigningKey } from "./keys.js";
import { pem } from "./pem.js";
import {
  authorityKeyId, basicConstraints, caFields, caUse, certificate, ExtKeyUsage, extKeyUsage, keyId, KeyUsage, keyUsage, name, subjectAltName, subjectKeyId,
  type CaFields, type Subject, type TbsFields,
} from "./x509.js";

export type { Subject } from "./x509.js";

/** Certificates start a little in the past, for hosts whose clocks lag. */
const BACKDATE_MS = 5 * 60_000;

export interface Issued {
  readonly certPem: string;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  readonly keyPem: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly serialNumber: string;
}

/** A positive, non-zero 128-bit serial number whose first byte is not zero, so it is always 16 bytes of DER. */
function serial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b;
}

type Window = Pick<TbsFields, "notBefore" | "notAfter">;

function window(now: Date, validityMs: number): Window {
  const t = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(t - BACKDATE_MS), notAfter: new Date(t + validityMs) };
}

function result(der: Buffer, keyPem: string, serialNumber: Buffer, w: Window): Issued {
  return {
    certPem: pem("CERTIFICATE", der), keyPem,
    notBefore: w.notBefore.toISOString(), notAfter: w.notAfter.toISOString(),
    serialNumber: serialNumber.toString("hex"),
  };
}

export interface CaRequest extends Subject {
  readonly algorithm: Algorithm;
  readonly validityMs: number;
  readonly now: Date;
  /** Renew with this key (certificates it issued stay valid) instead of a new one; any PEM private key, handed back as PKCS#8. */
  readonly keyPem?: string;
}

export async function issueCa(r: CaRequest): Promise<Issued> {
  const key = r.keyPem ? importKey(r.keyPem) : await generateKey(r.algorithm).then((k) => ({ ...k, ...signingKey(k.privateKeyPem) }));
  const id = keyId(key.spki);
  const subject = name(r);
  const w = window(r.now, r.validityMs);
  const sn = serial();
  const der = certificate({
    serial: sn, issuer: subject, subject, ...w, spki: key.spki,
    extensions: [
      basicConstraints(true),
      keyUsage([KeyUsage.keyCertSign, KeyUsage.cRLSign, KeyUsage.digitalSignature]),
      subjectKeyId(id),
      authorityKeyId(id),
    ],
  }, key);
  const issued = result(der, key.privateKeyPem, sn, w);
  remember(issued, { subject, keyId: id, ...key, notAfter: w.notAfter });
  return issued;
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

type CaPair = { readonly certPem: string; readonly keyPem: string };

/** The CA's certificate and key, parsed once per CA for many leaves. */
export interface Signer extends CaPair, CaFields, SigningKey {
  /** The CA certificate's end: no leaf it signs outlives it. */
  readonly notAfter: Date;
}

const signers = new Map<string, Signer>();
const cacheKey = (ca: CaPair): string => `${ca.certPem}\n${ca.keyPem}`;

/** Also what issueCa calls: a CA made here needs no parsing to sign with. */
function remember(ca: CaPair, f: CaFields & SigningKey & { readonly notAfter: Date }): Signer {
  const s = { certPem: ca.certPem, keyPem: ca.keyPem, subject: f.subject, keyId: f.keyId, algorithm: f.algorithm, privateKey: f.privateKey, notAfter: f.notAfter };
  signers.set(cacheKey(ca), s);
  return s;
}

export async function signer(ca: CaPair): Promise<Signer> {
  const known = signers.get(cacheKey(ca));
  if (known) return known;
  const cert = new X509Certificate(ca.certPem);
  // An imported CA is checked like one made here: a real CA certificate, allowed to sign, with a strong key.
  const use = caUse(cert);
  if (!use.isCa) throw new Error(`the CA certificate (${cert.subject.replace(/\n/g, ", ")}) is not a CA: its basicConstraints lack CA:TRUE`);
  if (use.keyCertSign === false) throw new Error(`the CA certificate (${cert.subject.replace(/\n/g, ", ")}) may not sign certificates: its keyUsage lacks keyCertSign`);
  const key = signingKey(ca.keyPem);
  if (!cert.checkPrivateKey(key.privateKey)) throw new Error("the CA's private key does not belong to its certificate");
  return remember(ca, { ...caFields(cert), ...key, notAfter: new Date(cert.validTo) });
}

const EKU: Record<Usage, Buffer[]> = {
  server: [ExtKeyUsage.serverAuth],
  client: [ExtKeyUsage.clientAuth],
  peer: [ExtKeyUsage.serverAuth, ExtKeyUsage.clientAuth],
};

/** A leaf ends no later than its CA (a chain is only valid while every link is); an expired CA signs nothing. */
function clampTo(w: Window, caNotAfter: Date): Window {
  if (caNotAfter.getTime() <= w.notBefore.getTime() + BACKDATE_MS) {
    throw new Error(`the CA certificate expired on ${caNotAfter.toISOString()}: renew the CA first`);
  }
  return caNotAfter < w.notAfter ? { notBefore: w.notBefore, notAfter: caNotAfter } : w;
}

export async function issueLeaf(r: LeafRequest): Promise<Issued> {
  const [ca, key] = await Promise.all([signer(r.ca), generateKey(r.algorithm)]);
  const usages = r.algorithm === "ecdsa-p256" ? [KeyUsage.digitalSignature] : [KeyUsage.digitalSignature, KeyUsage.keyEncipherment];
  const dnsNames = r.dnsNames ?? [], ipAddresses = r.ipAddresses ?? [];
  const w = clampTo(window(r.now, r.validityMs), ca.notAfter);
  const sn = serial();
  const der = certificate({
    serial: sn, issuer: ca.subject, subject: name(r), ...w, spki: key.spki,
    extensions: [
      basicConstraints(false),
      keyUsage(usages),
      extKeyUsage([...new Set(r.usages.flatMap((u) => EKU[u]))]), // the same Buffers, so the Set drops repeats
      ...(dnsNames.length || ipAddresses.length ? [subjectAltName(dnsNames, ipAddresses)] : []),
      subjectKeyId(keyId(key.spki)),
      authorityKeyId(ca.keyId),
    ],
  }, ca);
  return result(der, key.privateKeyPem, sn, w);
}
