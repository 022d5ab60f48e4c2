/**
 * X.509 v3 certificates (RFC 5280): the TBSCertificate drydock writes, signed
 * with node:crypto, and the few fields it reads back from a CA's certificate.
 */
import { createHash, sign, X509Certificate, type KeyObject } from "node:crypto";
import type { Algorithm } from "../../sdk/pki/common.js";
import {
  bitString, bytes, children, contentOf, element, explicit, implicit, integer, namedBits, NULL, octetString, oid, sequence, set, time, TRUE, utf8String,
  type Element,
} from "./der.js";

/** The object identifiers drydock writes, encoded once. */
const OID = {
  organizationName: oid("2.5.4.10"),
  commonName: oid("2.5.4.3"),
  basicConstraints: oid("2.5.29.19"),
  keyUsage: oid("2.5.29.15"),
  extKeyUsage: oid("2.5.29.37"),
  subjectAltName: oid("2.5.29.17"),
  subjectKeyIdentifier: oid("2.5.29.14"),
  authorityKeyIdentifier: oid("2.5.29.35"),
  ecdsaWithSHA256: oid("1.2.840.10045.4.3.2"),
  sha256WithRSAEncryption: oid("1.2.840.113549.1.1.11"),
};

/** id-kp-serverAuth and id-kp-clientAuth (RFC 5280 §4.2.1.12). */
export const ExtKeyUsage = { serverAuth: oid("1.3.6.1.5.5.7.3.1"), clientAuth: oid("1.3.6.1.5.5.7.3.2") };

export interface Subject {
  readonly commonName: string;
  readonly organization?: readonly string[];
}

/** The Name: one RDN per O=, then the CN, all UTF8String (RFC 5280 §4.1.2.6). */
export function name(s: Subject): Buffer {
  const rdn = (type: Buffer, value: string) => set(sequence(type, utf8String(value)));
  return sequence(...(s.organization ?? []).map((o) => rdn(OID.organizationName, o)), rdn(OID.commonName, s.commonName));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
export function keyId(spki: Uint8Array): Buffer {
  const [, key] = children(spki, element(spki, 0));
  if (!key || key.tag !== 0x03) throw new Error("SubjectPublicKeyInfo without a subjectPublicKey");
  return createHash("sha1").update(spki.subarray(key.content + 1, key.end)).digest();
}

// ---- extensions (RFC 5280 §4.2.1) ---------------------------------------------------------

const extension = (id: Buffer, critical: boolean, value: Buffer): Buffer =>
  sequence(id, ...(critical ? [TRUE] : []), octetString(value));

/** A CA gets pathLenConstraint 0: it signs leaves only, never another CA. */
export const basicConstraints = (ca: boolean): Buffer =>
  extension(OID.basicConstraints, true, sequence(...(ca ? [TRUE, integer(0)] : [])));

export const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
export const keyUsage = (bits: readonly number[]): Buffer => extension(OID.keyUsage, true, namedBits(bits));

/** Purposes from ExtKeyUsage. */
export const extKeyUsage = (purposes: readonly Buffer[]): Buffer => extension(OID.extKeyUsage, false, sequence(...purposes));

export const subjectKeyId = (id: Buffer): Buffer => extension(OID.subjectKeyIdentifier, false, octetString(id));
export const authorityKeyId = (id: Buffer): Buffer => extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, id)));

/** subjectAltName: dNSName [2] and iPAddress [7]. */
export function subjectAltName(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  const dns = dnsNames.map((d) => {
    if (!/^[\x21-\x7e]+$/.test(d)) throw new Error(`DNS name ${JSON.stringify(d)} is not printable ASCII (write IDNs as xn--…)`);
    return implicit(2, Buffer.from(d, "ascii"));
  });
  return extension(OID.subjectAltName, false, sequence(...dns, ...ipAddresses.map((ip) => implicit(7, ipBytes(ip)))));
}

/** An IP address as the 4 or 16 bytes iPAddress carries; IPv6 in any form URL accepts (::, an IPv4 tail). */
export function ipBytes(ip: string): Buffer {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255)) return Buffer.from(parts);
  } else if (ip.includes(":")) {
    let host: string | undefined;
    try {
      host = new URL(`http://[${ip}]/`).hostname; // "[::ffff:a00:1]": compressed, IPv4 tail in hex
    } catch { /* not an address */ }
    if (host) {
      const [head, tail] = host.slice(1, -1).split("::") as [string, string | undefined];
      const groups = (s: string | undefined) => (s ? s.split(":") : []);
      const hi = groups(head), lo = groups(tail);
      const all = tail === undefined ? hi : [...hi, ...Array<string>(8 - hi.length - lo.length).fill("0"), ...lo];
      const out = Buffer.alloc(16);
      all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
      return out;
    }
  }
  throw new Error(`IP address ${JSON.stringify(ip)} is neither IPv4 nor IPv6`);
}

// ---- the certificate ----------------------------------------------------------------------

export interface TbsFields {
  readonly serial: Buffer;
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Buffer;
  readonly extensions: readonly Buffer[];
}

/** ecdsa-with-SHA256 (no parameters) or sha256WithRSAEncryption (NULL parameters), RFC 5758 / RFC 4055. */
function signatureAlgorithm(a: Algorithm): Buffer {
  return a === "ecdsa-p256" ? sequence(OID.ecdsaWithSHA256) : sequence(OID.sha256WithRSAEncryption, NULL);
}

/** The Certificate, DER: the TBSCertificate signed by `key` (ECDSA signatures come DER-encoded, RSA is PKCS#1 v1.5). */
export function certificate(t: TbsFields, key: { readonly algorithm: Algorithm; readonly privateKey: KeyObject }): Buffer {
  const alg = signatureAlgorithm(key.algorithm);
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(t.serial), alg, t.issuer,
    sequence(time(t.notBefore), time(t.notAfter)),
    t.subject, t.spki,
    explicit(3, sequence(...t.extensions)),
  );
  return sequence(tbs, alg, bitString(sign("sha256", tbs, key.privateKey)));
}

/** What signing with a CA needs from its certificate: its subject (the leaves' issuer, byte for byte) and its key id. */
export interface CaFields {
  readonly subject: Buffer;
  readonly keyId: Buffer;
}

/** What a certificate must carry to sign others, read from its own extensions. */
export interface CaUse {
  /** basicConstraints says CA:TRUE. */
  readonly isCa: boolean;
  /** keyUsage allows keyCertSign; undefined when the certificate has no keyUsage (any use allowed). */
  readonly keyCertSign: boolean | undefined;
}

export function caFields(cert: X509Certificate): CaFields {
  const der = cert.raw;
  const tbs = children(der, element(der, 0))[0];
  if (!tbs) throw new Error("certificate without a TBSCertificate");
  const f = children(der, tbs);
  const v = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version, absent in v1
  const subject = f[v + 4], spki = f[v + 5];
  if (!subject || !spki) throw new Error("certificate without a subject or public key");
  const ski = extensionOf(der, f.slice(v + 6), OID.subjectKeyIdentifier);
  return { subject: bytes(der, subject), keyId: ski ? contentOf(ski, element(ski, 0)) : keyId(bytes(der, spki)) };
}

/** Whether a certificate may sign others: basicConstraints CA:TRUE, and keyCertSign when keyUsage is present. */
export function caUse(cert: X509Certificate): CaUse {
  const der = cert.raw;
  const f = children(der, children(der, element(der, 0))[0]!);
  const v = f[0]?.tag === 0xa0 ? 1 : 0;
  const bc = extensionOf(der, f.slice(v + 6), OID.basicConstraints);
  const first = bc ? children(bc, element(bc, 0))[0] : undefined; // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }
  const isCa = first !== undefined && first.tag === 0x01 && contentOf(bc!, first)[0] !== 0;
  const ku = extensionOf(der, f.slice(v + 6), OID.keyUsage);
  if (!ku) return { isCa, keyCertSign: undefined };
  const bits = contentOf(ku, element(ku, 0)); // BIT STRING: unused-bits byte, then the bits
  return { isCa, keyCertSign: ((bits[1] ?? 0) & (0x80 >> KeyUsage.keyCertSign)) !== 0 };
}

/** Whether `certPem` was signed by the key of `caCertPem`. */
export function signedBy(certPem: string, caCertPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caCertPem).publicKey);
  } catch {
    return false;
  }
}

/** The DER value (inside the OCTET STRING) of one extension, when the certificate has it. */
function extensionOf(der: Buffer, optional: readonly Element[], id: Buffer): Buffer | undefined {
  const exts = optional.find((e) => e.tag === 0xa3);
  if (!exts) return undefined;
  for (const ext of children(der, children(der, exts)[0]!)) {
    const [oidOf, ...rest] = children(der, ext);
    if (!oidOf || !bytes(der, oidOf).equals(id)) continue;
    return contentOf(der, rest[rest.length - 1]!);
  }
  return undefined;
}
