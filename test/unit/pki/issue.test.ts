/**
 * installer/pki: the certificates drydock makes, checked by the tool that will
 * read them (openssl verify -x509_strict, with the purpose), not by the
 * library that wrote them.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { issueCa, issueLeaf, type Issued } from "../../../installer/pki/issue.js";
import { generateKey } from "../../../installer/pki/keys.js";
import type { Algorithm } from "../../../sdk/pki/common.js";
import { describeWith, pemDir, run, verify } from "./tools.js";

const DAY = 86_400_000;

/** The SAN entries as node:crypto (OpenSSL) prints them, sorted. */
function sans(certPem: string): string[] {
  return (new X509Certificate(certPem).subjectAltName ?? "").split(", ").filter(Boolean).sort();
}

/** The PEM text a careful encoder would write for this DER: 64 columns, LF, a final newline. */
function canonicalPem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

describeWith(["openssl"], "issued certificates against openssl verify", () => {
  const file = pemDir();

  describe.each<Algorithm>(["ecdsa-p256", "rsa-2048"])("%s", (algorithm) => {
    const now = new Date();
    let ca: Issued;
    let server: Issued, client: Issued, peer: Issued;

    beforeAll(async () => {
      ca = await issueCa({ commonName: "kubernetes", organization: ["drydock"], algorithm, validityMs: 3650 * DAY, now });
      const leaf = (commonName: string, usages: Array<"server" | "client" | "peer">, names: boolean) =>
        issueLeaf({
          ca, commonName, organization: commonName === "admin" ? ["system:masters"] : [], usages, algorithm, validityMs: 365 * DAY, now,
          ...(names ? { dnsNames: ["kubernetes", "kubernetes.default.svc", "*.etcd.example"], ipAddresses: ["10.32.0.1", "127.0.0.1", "fd00:10::1"] } : {}),
        });
      [server, client, peer] = await Promise.all([leaf("kube-apiserver", ["server"], true), leaf("admin", ["client"], false), leaf("etcd-0", ["peer"], true)]);
    });

    it("makes a CA that verifies as its own root, with critical CA:TRUE and keyCertSign", () => {
      const v = verify(file, ca.certPem, ca.certPem);
      expect(v.code, v.output).toBe(0);
      const ext = run("openssl", ["x509", "-in", file("ca.pem", ca.certPem), "-noout", "-ext", "basicConstraints,keyUsage"]).stdout;
      expect(ext).toMatch(/Basic Constraints: critical\n\s+CA:TRUE/);
      expect(ext).toMatch(/Key Usage: critical\n\s+.*Certificate Sign/);
      expect(new X509Certificate(ca.certPem).subject).toBe("O=drydock\nCN=kubernetes");
    });

    it("makes a server certificate that is a TLS server and not a client", () => {
      const ok = verify(file, ca.certPem, server.certPem, { purpose: "sslserver" });
      expect(ok.code, ok.output).toBe(0);
      const no = verify(file, ca.certPem, server.certPem, { purpose: "sslclient" });
      expect(no.code).not.toBe(0);
      expect(no.output).toContain("unsuitable certificate purpose");
    });

    it("makes a client certificate that is a TLS client and not a server", () => {
      const ok = verify(file, ca.certPem, client.certPem, { purpose: "sslclient" });
      expect(ok.code, ok.output).toBe(0);
      const no = verify(file, ca.certPem, client.certPem, { purpose: "sslserver" });
      expect(no.code).not.toBe(0);
      expect(no.output).toContain("unsuitable certificate purpose");
    });

    it("makes a peer certificate that is both", () => {
      for (const purpose of ["sslserver", "sslclient"] as const) {
        const v = verify(file, ca.certPem, peer.certPem, { purpose });
        expect(v.code, `${purpose}: ${v.output}`).toBe(0);
      }
    });

    it("leaves are CA:FALSE, with the key usages of their algorithm", () => {
      const ext = run("openssl", ["x509", "-in", file("leaf.pem", server.certPem), "-noout", "-ext", "basicConstraints,keyUsage"]).stdout;
      expect(ext).toMatch(/Basic Constraints: critical\n\s+CA:FALSE/);
      const usages = /Key Usage: critical\n\s+(.*)/.exec(ext)![1];
      expect(usages).toBe(algorithm === "ecdsa-p256" ? "Digital Signature" : "Digital Signature, Key Encipherment");
      expect(new X509Certificate(server.certPem).ca).toBe(false);
    });

    it("puts exactly the requested DNS names and IPs in the SAN, and none in a client certificate", () => {
      const want = ["DNS:*.etcd.example", "DNS:kubernetes", "DNS:kubernetes.default.svc", "IP Address:10.32.0.1", "IP Address:127.0.0.1", "IP Address:FD00:10:0:0:0:0:0:1"];
      expect(sans(server.certPem)).toEqual(want);
      expect(sans(peer.certPem)).toEqual(want);
      const text = run("openssl", ["x509", "-in", file("server.pem", server.certPem), "-noout", "-ext", "subjectAltName"]).stdout;
      expect(text.split("\n")[1]!.trim().split(", ").sort()).toEqual(want);
      expect(new X509Certificate(client.certPem).subjectAltName).toBeUndefined();
    });

    it("names the subject with every O= before the CN", () => {
      expect(new X509Certificate(client.certPem).subject).toBe("O=system:masters\nCN=admin");
      expect(new X509Certificate(server.certPem).subject).toBe("CN=kube-apiserver");
      expect(new X509Certificate(server.certPem).issuer).toBe("O=drydock\nCN=kubernetes");
    });

    it("writes PEM the one canonical way, the key as PKCS#8, and the key matches its certificate", () => {
      for (const c of [ca, server, client, peer]) {
        const x = new X509Certificate(c.certPem);
        expect(c.certPem).toBe(canonicalPem("CERTIFICATE", x.raw));
        expect(c.certPem).not.toContain("\r");
        expect(c.keyPem).toBe(canonicalPem("PRIVATE KEY", createPrivateKey(c.keyPem).export({ type: "pkcs8", format: "der" })));
        // openssl, asked to re-write them, writes the very same text
        expect(run("openssl", ["x509", "-in", file("c.pem", c.certPem)]).stdout).toBe(c.certPem);
        expect(run("openssl", ["pkey", "-in", file("k.pem", c.keyPem)]).stdout).toBe(c.keyPem);
        expect(x.checkPrivateKey(createPrivateKey(c.keyPem))).toBe(true);
      }
      expect(new X509Certificate(server.certPem).checkPrivateKey(createPrivateKey(client.keyPem))).toBe(false);
    });

    it("reports the window and serial that are in the certificate", () => {
      const t = Math.floor(now.getTime() / 1000) * 1000;
      expect(server.notBefore).toBe(new Date(t - 5 * 60_000).toISOString());
      expect(server.notAfter).toBe(new Date(t + 365 * DAY).toISOString());
      expect(ca.notAfter).toBe(new Date(t + 3650 * DAY).toISOString());
      for (const c of [ca, server, client, peer]) {
        expect(c.serialNumber).toMatch(/^[0-9a-f]{32}$/);
        expect(c.serialNumber).toBe(new X509Certificate(c.certPem).serialNumber.toLowerCase());
      }
      expect(new Set([ca, server, client, peer].map((c) => c.serialNumber)).size).toBe(4);
    });

    it("a certificate from another CA of the same name does not verify against this one", async () => {
      const other = await issueCa({ commonName: "kubernetes", organization: ["drydock"], algorithm, validityMs: 3650 * DAY, now });
      const stranger = await issueLeaf({ ca: other, commonName: "kube-apiserver", usages: ["server"], dnsNames: ["kubernetes"], algorithm, validityMs: 365 * DAY, now });
      const v = verify(file, ca.certPem, stranger.certPem, { purpose: "sslserver" });
      expect(v.code).not.toBe(0);
      expect(v.output).not.toContain(": OK");
      expect(verify(file, other.certPem, stranger.certPem, { purpose: "sslserver" }).code).toBe(0);
    });

    it("a CA re-signed with its key keeps what it issued valid; one with a new key does not", async () => {
      const later = new Date(now.getTime() + DAY);
      const resigned = await issueCa({ commonName: "kubernetes", organization: ["drydock"], algorithm, validityMs: 3650 * DAY, now: later, keyPem: ca.keyPem });
      expect(resigned.keyPem).toBe(ca.keyPem);
      expect(resigned.serialNumber).not.toBe(ca.serialNumber);
      expect(resigned.notAfter).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000 + 3650 * DAY).toISOString());
      const v = verify(file, resigned.certPem, server.certPem, { purpose: "sslserver", at: later });
      expect(v.code, v.output).toBe(0);
      const fresh = await issueCa({ commonName: "kubernetes", organization: ["drydock"], algorithm, validityMs: 3650 * DAY, now: later });
      expect(verify(file, fresh.certPem, server.certPem, { purpose: "sslserver", at: later }).code).not.toBe(0);
    });
  });

  it("refuses a CA key that does not belong to the CA certificate", async () => {
    const now = new Date();
    const a = await issueCa({ commonName: "a", algorithm: "ecdsa-p256", validityMs: DAY * 10, now });
    const b = await issueCa({ commonName: "b", algorithm: "ecdsa-p256", validityMs: DAY * 10, now });
    await expect(issueLeaf({ ca: { certPem: a.certPem, keyPem: b.keyPem }, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now }))
      .rejects.toThrow(/does not belong to its certificate/);
  });

  it("signs with a CA key written by openssl (SEC1), and verifies", async () => {
    const key = run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]).stdout;
    expect(key).toContain("BEGIN EC PRIVATE KEY");
    const now = new Date();
    const ca = await issueCa({ commonName: "etcd-ca", algorithm: "ecdsa-p256", validityMs: DAY * 10, now, keyPem: key });
    const leaf = await issueLeaf({ ca, commonName: "etcd-0", usages: ["peer"], ipAddresses: ["10.0.0.1"], algorithm: "ecdsa-p256", validityMs: DAY, now });
    const v = verify(file, ca.certPem, leaf.certPem, { purpose: "sslclient" });
    expect(v.code, v.output).toBe(0);
  });

  // A key written by another tool (SEC1 "EC PRIVATE KEY") comes back as the PKCS#8 every other Issued.keyPem is.
  it("hands back an imported CA key as PKCS#8 like every other key", async () => {
    const key = run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]).stdout;
    const ca = await issueCa({ commonName: "etcd-ca", algorithm: "ecdsa-p256", validityMs: DAY * 10, now: new Date(), keyPem: key });
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  // IPv6 written with an embedded IPv4 part, which the schema accepts (sdk/net.ts isIPv6), is that address.
  it("encodes an IPv6 address with an embedded IPv4 part as that address", async () => {
    const now = new Date();
    const ca = await issueCa({ commonName: "ca", algorithm: "ecdsa-p256", validityMs: DAY * 10, now });
    const leaf = await issueLeaf({ ca, commonName: "x", usages: ["server"], ipAddresses: ["::ffff:10.0.0.1"], algorithm: "ecdsa-p256", validityMs: DAY, now });
    expect(sans(leaf.certPem)).toEqual(["IP Address:0:0:0:0:0:FFFF:A00:1"]);
  });

  /** A CA made by `openssl req -x509` with these extra arguments; its names PrintableString, as older tools wrote them. */
  function opensslCa(...extra: string[]): { certPem: string; keyPem: string } {
    return opensslCert(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", ...extra]);
  }

  function opensslCert(extra: readonly string[]): { certPem: string; keyPem: string } {
    const config = file("req.cnf", "[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n");
    const key = file("ca.key", ""), cert = file("ca.crt", "");
    const r = run("openssl", ["req", "-config", config, "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
      "-subj", "/O=acme/CN=acme ca", "-days", "10", ...extra]);
    expect(r.code, r.output).toBe(0);
    return { certPem: run("openssl", ["x509", "-in", cert]).stdout, keyPem: run("openssl", ["pkey", "-in", key]).stdout };
  }

  // Review m7: an imported "CA" is checked like one made here before anything is signed with it.
  it("refuses to sign with an imported certificate that is not a CA", async () => {
    const notCa = opensslCert(["-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,keyCertSign"]);
    await expect(issueLeaf({ ca: notCa, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now: new Date() }))
      .rejects.toThrow(/is not a CA: its basicConstraints lack CA:TRUE/);
  });

  it("refuses to sign with an imported CA whose keyUsage lacks keyCertSign", async () => {
    const noSign = opensslCert(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature"]);
    await expect(issueLeaf({ ca: noSign, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now: new Date() }))
      .rejects.toThrow(/may not sign certificates: its keyUsage lacks keyCertSign/);
  });

  it("refuses an imported RSA key below 2048 bits instead of calling it rsa-2048", async () => {
    const weak = run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]).stdout;
    await expect(issueCa({ commonName: "weak", algorithm: "rsa-2048", validityMs: DAY, now: new Date(), keyPem: weak }))
      .rejects.toThrow(/RSA key of 1024 bits is too weak/);
  });

  // Review m6: a leaf never outlives the CA that signed it, and an expired CA signs nothing.
  it("ends a leaf no later than its CA", async () => {
    const now = new Date();
    const ca = await issueCa({ commonName: "short-ca", algorithm: "ecdsa-p256", validityMs: DAY * 10, now });
    const leaf = await issueLeaf({ ca, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY * 365, now });
    expect(leaf.notAfter).toBe(ca.notAfter);
    expect(new X509Certificate(leaf.certPem).validTo).toBe(new X509Certificate(ca.certPem).validTo);
    const later = new Date(now.getTime() + DAY * 11);
    await expect(issueLeaf({ ca, commonName: "y", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now: later }))
      .rejects.toThrow(/the CA certificate expired on .*: renew the CA first/);
  });

  it("gives a CA pathlen:0, so what it signs cannot act as a CA", async () => {
    const ca = await issueCa({ commonName: "ca", algorithm: "ecdsa-p256", validityMs: DAY, now: new Date() });
    const text = run("openssl", ["x509", "-in", file("pathlen.pem", ca.certPem), "-noout", "-ext", "basicConstraints"]).stdout;
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
  });

  it("signs with a CA another tool made: the issuer is its subject byte for byte, the AKI its SKI", async () => {
    const ca = opensslCa();
    const leaf = await issueLeaf({ ca, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now: new Date() });
    const v = verify(file, ca.certPem, leaf.certPem, { purpose: "sslclient" });
    expect(v.code, v.output).toBe(0);
    const strings = run("openssl", ["asn1parse", "-in", file("leaf.pem", leaf.certPem)]).stdout.match(/(PRINTABLESTRING|UTF8STRING) *:.*/g);
    expect(strings).toEqual(["PRINTABLESTRING   :acme", "PRINTABLESTRING   :acme ca", "UTF8STRING        :x"]);
    const keyId = (pem: string, ext: string) => /Identifier: *\n\s+(?:keyid:)?(\S+)/.exec(run("openssl", ["x509", "-in", file("c.pem", pem), "-noout", "-ext", ext]).stdout)?.[1];
    expect(keyId(ca.certPem, "subjectKeyIdentifier")).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){19}$/);
    expect(keyId(leaf.certPem, "authorityKeyIdentifier")).toBe(keyId(ca.certPem, "subjectKeyIdentifier"));
  });

  it("signs with a CA that has no SKI, naming it by the SHA-1 of its key (RFC 5280 method 1)", async () => {
    const ca = opensslCa("-addext", "subjectKeyIdentifier=none", "-addext", "authorityKeyIdentifier=none");
    const leaf = await issueLeaf({ ca, commonName: "x", usages: ["client"], algorithm: "ecdsa-p256", validityMs: DAY, now: new Date() });
    // openssl's -x509_strict wants an SKI on every CA, so this one is checked without it
    const v = run("openssl", ["verify", "-purpose", "sslclient", "-CAfile", file("ca.pem", ca.certPem), file("leaf.pem", leaf.certPem)]);
    expect(v.code, v.output).toBe(0);
    const spki = new X509Certificate(ca.certPem).publicKey.export({ type: "spki", format: "der" });
    const method1 = createHash("sha1").update(spki.subarray(spki.length - 65)).digest("hex").toUpperCase().match(/../g)!.join(":");
    expect(run("openssl", ["x509", "-in", file("leaf.pem", leaf.certPem), "-noout", "-ext", "authorityKeyIdentifier"]).stdout).toContain(method1);
  });

  it("writes times from 2050 on as GeneralizedTime, and they read back the same", async () => {
    const now = new Date();
    const ca = await issueCa({ commonName: "long", algorithm: "ecdsa-p256", validityMs: 40 * 365 * DAY, now });
    expect(new Date(new X509Certificate(ca.certPem).validTo).toISOString()).toBe(ca.notAfter);
    expect(new Date(ca.notAfter).getUTCFullYear()).toBeGreaterThanOrEqual(2050);
    expect(run("openssl", ["asn1parse", "-in", file("ca.pem", ca.certPem)]).stdout).toMatch(/UTCTIME .*\n.*GENERALIZEDTIME/);
    const v = verify(file, ca.certPem, ca.certPem);
    expect(v.code, v.output).toBe(0);
  });

  it("refuses an IP address that is not one, naming it", async () => {
    const now = new Date();
    const ca = await issueCa({ commonName: "ca", algorithm: "ecdsa-p256", validityMs: DAY, now });
    for (const ip of ["10.0.0.256", "fd00::1::2", "localhost"]) {
      await expect(issueLeaf({ ca, commonName: "x", usages: ["server"], ipAddresses: [ip], algorithm: "ecdsa-p256", validityMs: DAY, now }))
        .rejects.toThrow(`IP address "${ip}" is neither IPv4 nor IPv6`);
    }
  });
});

describe("generateKey", () => {
  it.each([
    ["ecdsa-p256", "ec", { namedCurve: "prime256v1" }],
    ["rsa-2048", "rsa", { modulusLength: 2048, publicExponent: 65537n }],
    ["rsa-3072", "rsa", { modulusLength: 3072, publicExponent: 65537n }],
  ] as const)("makes a %s key as PKCS#8 and SPKI PEM that belong together", async (alg, type, details) => {
    const k = await generateKey(alg);
    const priv = createPrivateKey(k.privateKeyPem);
    expect(priv.asymmetricKeyType).toBe(type);
    expect(priv.asymmetricKeyDetails).toMatchObject(details);
    expect(k.privateKeyPem).toBe(canonicalPem("PRIVATE KEY", priv.export({ type: "pkcs8", format: "der" })));
    expect(k.publicKeyPem).toBe(canonicalPem("PUBLIC KEY", createPublicKey(priv).export({ type: "spki", format: "der" })));
  });
});
