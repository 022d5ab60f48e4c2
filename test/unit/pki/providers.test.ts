/**
 * installer/providers/pki with an injected clock: certificates age, come due,
 * are renewed, and follow their CA; kubeconfigs are read back by kubectl.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ProviderContext, ResourceProvider } from "../../../sdk/index.js";
import { pki } from "../../../sdk/index.js";
import { unknown } from "../../../sdk/properties.js";
import { authorityProvider } from "../../../installer/providers/pki/authority.js";
import { certificateProvider } from "../../../installer/providers/pki/certificate.js";
import { keyPairProvider } from "../../../installer/providers/pki/key-pair.js";
import { kubeconfigProvider } from "../../../installer/providers/pki/kubeconfig.js";
import { renderKubeconfig } from "../../../installer/pki/kubeconfig.js";
import { describeWith, pemDir, run, verify } from "./tools.js";

const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:x", log: () => {} };
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A clock the test moves. */
function fakeClock() {
  let t = T0;
  return { clock: () => new Date(t), at: (daysAfterT0: number) => (t = T0 + daysAfterT0 * DAY, new Date(t)) };
}

async function checked<I, O>(p: ResourceProvider<I, O>, news: Record<string, unknown>): Promise<I> {
  const r = await p.check!(undefined, news);
  if (r.failures?.length) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
  return r.inputs!;
}

async function failures<I, O>(p: ResourceProvider<I, O>, news: Record<string, unknown>): Promise<Record<string, string>> {
  const r = await p.check!(undefined, news);
  return Object.fromEntries((r.failures ?? []).map((f) => [f.property, f.reason]));
}

function sans(certPem: string): string[] {
  return (new X509Certificate(certPem).subjectAltName ?? "").split(", ").filter(Boolean).sort();
}

/** A CA and one server certificate, made at T0 on a clock the test moves. */
async function setup(caArgs: Record<string, unknown> = {}, leafArgs: Record<string, unknown> = {}) {
  const c = fakeClock();
  const caP = authorityProvider(c.clock);
  const certP = certificateProvider(c.clock);
  const caIn = await checked(caP, { commonName: "kubernetes", ...caArgs });
  const ca = (await caP.create(caIn, ctx)).outs!;
  const leafIn = await checked(certP, {
    ca: { certPem: ca.certPem, keyPem: ca.keyPem }, commonName: "kube-apiserver", usages: ["server"], dnsNames: ["api.example"],
    validity: "40d", renewBefore: "30d", ...leafArgs,
  });
  const leaf = (await certP.create(leafIn, ctx)).outs!;
  return { ...c, caP, certP, caIn, ca, leafIn, leaf };
}

describeWith(["openssl"], "pki.Certificate over time", () => {
  const file = pemDir();

  it("is left alone outside renewBefore", async () => {
    const s = await setup();
    s.at(5);
    const d = await s.certP.diff!("id", s.leaf, s.leafIn, s.leafIn);
    expect(d.changes).toBe(false);
    expect(d.note ?? "").not.toMatch(/renewal|re-issue/);
    const u = await s.certP.update!("id", s.leaf, s.leafIn, ctx, s.leafIn);
    expect(u.outs!.serialNumber).toBe(s.leaf.serialNumber);
    expect(u.outs!.certPem).toBe(s.leaf.certPem);
  });

  it("within renewBefore plans a renewal and update renews it, later, with the same names", async () => {
    const s = await setup();
    const now = s.at(15);
    const d = await s.certP.diff!("id", s.leaf, s.leafIn, s.leafIn);
    expect(d).toMatchObject({ changes: true });
    expect(d.replaces ?? []).toEqual([]);
    expect(d.note).toBe("renewal: expires 2026-02-10 (in 25 days, renewBefore 30d)");
    const u = (await s.certP.update!("id", s.leaf, s.leafIn, ctx, s.leafIn)).outs!;
    expect(u.serialNumber).not.toBe(s.leaf.serialNumber);
    expect(u.notAfter).toBe(new Date(now.getTime() + 40 * DAY).toISOString());
    expect(Date.parse(u.notAfter)).toBeGreaterThan(Date.parse(s.leaf.notAfter));
    expect(sans(u.certPem)).toEqual(["DNS:api.example"]);
    const v = verify(file, s.ca.certPem, u.certPem, { purpose: "sslserver", at: now });
    expect(v.code, v.output).toBe(0);
    // renewed, it is no longer due
    expect((await s.certP.diff!("id", u, s.leafIn, s.leafIn)).changes).toBe(false);
  });

  it("once expired still plans a renewal, and says it expired", async () => {
    const s = await setup();
    s.at(41);
    const d = await s.certP.diff!("id", s.leaf, s.leafIn, s.leafIn);
    expect(d.changes).toBe(true);
    expect(d.note).toBe("renewal: expired 2026-02-10 (1 day ago, renewBefore 30d)");
  });

  it("re-issues with a new key when its SANs change", async () => {
    const s = await setup();
    const news = await checked(s.certP, { ...s.leafIn, dnsNames: ["api.example", "api2.example"], ipAddresses: ["10.0.0.10"] });
    const d = await s.certP.diff!("id", s.leaf, news, s.leafIn);
    expect(d).toMatchObject({ changes: true, note: "re-issue: dnsNames, ipAddresses changed" });
    const u = (await s.certP.update!("id", s.leaf, news, ctx, s.leafIn)).outs!;
    expect(u.keyPem).not.toBe(s.leaf.keyPem);
    expect(u.serialNumber).not.toBe(s.leaf.serialNumber);
    expect(sans(u.certPem)).toEqual(["DNS:api.example", "DNS:api2.example", "IP Address:10.0.0.10"]);
    const v = verify(file, s.ca.certPem, u.certPem, { purpose: "sslserver", at: s.clock() });
    expect(v.code, v.output).toBe(0);
  });

  it("follows a CA re-signed with the same key without re-issuing, and the old leaf stays valid", async () => {
    // The CA (400d, renew 60d before) comes due at day 345; the leaf (400d, renew 30d before) is not due.
    const s = await setup({ validity: "400d", renewBefore: "60d" }, { validity: "400d" });
    const now = s.at(345);
    const caDiff = await s.caP.diff!("id", s.ca, s.caIn, s.caIn);
    expect(caDiff).toMatchObject({ changes: true });
    expect(caDiff.replaces ?? []).toEqual([]);
    expect(caDiff.note).toMatch(/^renewal: expires 2027-02-05 \(in 55 days, renewBefore 60d\); same key/);
    const ca2 = (await s.caP.update!("id", s.ca, s.caIn, ctx, s.caIn)).outs!;
    expect(ca2.keyPem).toBe(s.ca.keyPem);
    expect(ca2.certPem).not.toBe(s.ca.certPem);
    expect(ca2.notAfter).toBe(new Date(now.getTime() + 400 * DAY).toISOString());

    const old = verify(file, ca2.certPem, s.leaf.certPem, { purpose: "sslserver", at: now });
    expect(old.code, old.output).toBe(0);

    const news = await checked(s.certP, { ...s.leafIn, ca: { certPem: ca2.certPem, keyPem: ca2.keyPem } });
    const d = await s.certP.diff!("id", s.leaf, news, s.leafIn);
    expect(d.changes).toBe(true);
    expect(d.note).toContain("CA was re-signed");
    expect(d.note).not.toMatch(/re-issue|renewal/);
    const u = (await s.certP.update!("id", s.leaf, news, ctx, s.leafIn)).outs!;
    expect(u.certPem).toBe(s.leaf.certPem);
    expect(u.keyPem).toBe(s.leaf.keyPem);
    expect(u.serialNumber).toBe(s.leaf.serialNumber);
    expect(u.caCertPem).toBe(ca2.certPem);
    expect((await s.certP.diff!("id", u, news, news)).changes).toBe(false);
  });

  it("is re-issued by a CA with a new key, and then verifies only against that CA", async () => {
    const s = await setup();
    const fresh = (await s.caP.create(s.caIn, ctx)).outs!;
    const news = await checked(s.certP, { ...s.leafIn, ca: { certPem: fresh.certPem, keyPem: fresh.keyPem } });
    const d = await s.certP.diff!("id", s.leaf, news, s.leafIn);
    expect(d).toMatchObject({ changes: true, note: "re-issue: its CA's key changed" });
    const u = (await s.certP.update!("id", s.leaf, news, ctx, s.leafIn)).outs!;
    expect(u.keyPem).not.toBe(s.leaf.keyPem);
    expect(u.caCertPem).toBe(fresh.certPem);
    expect(verify(file, fresh.certPem, u.certPem, { purpose: "sslserver", at: s.clock() }).code).toBe(0);
    expect(verify(file, s.ca.certPem, u.certPem, { purpose: "sslserver", at: s.clock() }).code).not.toBe(0);
  });

  it("in a preview, with its CA's certificate not known yet, says it may be re-issued", async () => {
    const s = await setup();
    const news = { ...s.leafIn, ca: { certPem: unknown, keyPem: unknown } } as unknown as typeof s.leafIn;
    expect(await s.certP.diff!("id", s.leaf, news, s.leafIn)).toMatchObject({ changes: true, note: "re-issue if its CA changes" });
  });
});

describe("pki.CertificateAuthority changes", () => {
  it("replaces on a new subject or algorithm; re-signs with its key for a new validity", async () => {
    const s = await setup({ validity: "400d", renewBefore: "60d" });
    const renamed = await checked(s.caP, { ...s.caIn, commonName: "kubernetes-2" });
    expect(await s.caP.diff!("id", s.ca, renamed, s.caIn)).toMatchObject({ changes: true, replaces: ["commonName"] });
    const rsa = await checked(s.caP, { ...s.caIn, algorithm: "rsa-2048" });
    expect((await s.caP.diff!("id", s.ca, rsa, s.caIn)).replaces).toEqual(["algorithm"]);

    const longer = await checked(s.caP, { ...s.caIn, validity: "800d" });
    expect(await s.caP.diff!("id", s.ca, longer, s.caIn)).toMatchObject({ changes: true, note: "re-signed with the same key for the new validity" });
    const u = (await s.caP.update!("id", s.ca, longer, ctx, s.caIn)).outs!;
    expect(u.keyPem).toBe(s.ca.keyPem);
    expect(u.notAfter).toBe(new Date(T0 + 800 * DAY).toISOString());
  });

  it("has nothing to do when nothing changed and it is not due, and says how long it has", async () => {
    const s = await setup();
    expect(await s.caP.diff!("id", s.ca, s.caIn, s.caIn)).toEqual({ changes: false, note: "valid until 2035-12-30 (3650 days left)" });
  });
});

describe("check names the field", () => {
  const { clock } = fakeClock();
  const certP = certificateProvider(clock);
  const caP = authorityProvider(clock);
  const ca = { certPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", keyPem: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n" };
  const good = { ca, commonName: "kube-apiserver", usages: ["server"], dnsNames: ["kubernetes"] };

  it("accepts a good certificate and fills in the defaults", async () => {
    expect(await checked(certP, good)).toMatchObject({ algorithm: "ecdsa-p256", validity: "365d", renewBefore: "30d", organization: [], ipAddresses: [] });
  });

  it.each([
    ["renewBefore not shorter than validity", { validity: "30d", renewBefore: "720h" }, "renewBefore", /renewBefore \(720h\) must be shorter than validity \(30d\)/],
    ["a server certificate without names", { dnsNames: [] }, "dnsNames", /needs at least one DNS name or IP address/],
    ["a peer certificate without names", { usages: ["peer"], dnsNames: undefined }, "dnsNames", /needs at least one DNS name or IP address/],
    ["a bad IP address", { ipAddresses: ["10.0.0.1", "10.0.0.256"] }, "ipAddresses[1]", /must be an IPv4 or IPv6 address \(got "10\.0\.0\.256"\)/],
    ["a bad DNS name", { dnsNames: ["-api"] }, "dnsNames[0]", /must be a DNS name/],
    ["no usages", { usages: [] }, "usages", /usages must name at least one of server, client, peer/],
    ["an unknown usage", { usages: ["signing"] }, "usages[0]", /server.*client.*peer/],
    ["no ca", { ca: undefined }, "ca", /expected object/],
    ["a ca without a key", { ca: { certPem: ca.certPem } }, "ca.keyPem", /expected string/],
  ])("%s", async (_what, change, property, reason) => {
    const f = await failures(certP, { ...good, ...change });
    expect(Object.keys(f)).toEqual([property]);
    expect(f[property]).toMatch(reason);
  });

  it("collects every problem at once", async () => {
    const f = await failures(certP, { ...good, usages: [], ipAddresses: ["x"], validity: "10d", renewBefore: "10d" });
    expect(Object.keys(f).sort()).toEqual(["ipAddresses[0]", "renewBefore", "usages"]);
  });

  it("a CA whose renewBefore is not shorter than its validity", async () => {
    const f = await failures(caP, { commonName: "kubernetes", validity: "1y", renewBefore: "365d" });
    expect(Object.keys(f)).toEqual(["renewBefore"]);
    expect(f.renewBefore).toMatch(/renewBefore \(365d\) must be shorter than validity \(1y\)/);
    expect(Object.keys(await failures(caP, { commonName: "" }))).toEqual(["commonName"]);
  });

  // Known bug (see the PKI report): a malformed duration makes Certificate's check throw
  // `not a duration: "1 year"` from its superRefine instead of reporting the field. Drop `.fails` once fixed.
  it("a malformed validity is a failure at validity, not a thrown error", async () => {
    const f = await failures(certP, { ...good, validity: "1 year" });
    expect(Object.keys(f)).toEqual(["validity"]);
  });
});

describe("pki.KeyPair", () => {
  it("makes a key pair, and a new one (replace) only for a new algorithm", async () => {
    const i = await checked(keyPairProvider, {});
    expect(i).toEqual({ algorithm: "ecdsa-p256" });
    const r = await keyPairProvider.create(i, ctx);
    expect(r.outs!.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(r.outs!.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(r.id).toMatch(/^[0-9a-f]{16}$/);
    expect(await keyPairProvider.diff!(r.id, r.outs!, i, i)).toMatchObject({ changes: false });
    expect(await keyPairProvider.diff!(r.id, r.outs!, { algorithm: "rsa-2048" }, i)).toMatchObject({ changes: true, replaces: ["algorithm"] });
  });
});

describe("pki.Kubeconfig rendering", () => {
  const parts = {
    server: "https://10.0.0.10:6443/", caCertPem: "CA\n", certificate: { certPem: "CERT\n", keyPem: "KEY\n" }, clusterName: "lab", userName: "admin",
  };

  it("is the same text, byte for byte, for the same inputs", () => {
    expect(renderKubeconfig({ ...parts, certificate: { ...parts.certificate } })).toBe(renderKubeconfig(parts));
    expect(renderKubeconfig(parts)).toMatchInlineSnapshot(`
      "apiVersion: v1
      kind: Config
      clusters:
        - name: lab
          cluster:
            server: https://10.0.0.10:6443
            certificate-authority-data: Q0EK
      users:
        - name: admin
          user:
            client-certificate-data: Q0VSVAo=
            client-key-data: S0VZCg==
      contexts:
        - name: admin@lab
          context:
            cluster: lab
            user: admin
      current-context: admin@lab
      preferences: {}
      "
    `);
  });
});

describeWith(["kubectl", "openssl"], "pki.Kubeconfig read by kubectl", () => {
  const file = pemDir();

  it("gives kubectl back the server, the CA and the client certificate and key", async () => {
    const s = await setup({}, { commonName: "admin", organization: ["system:masters"], usages: ["client"], dnsNames: [] });
    const inputs = await checked(kubeconfigProvider, {
      server: "https://10.0.0.10:6443", caCertPem: s.ca.certPem, certificate: { certPem: s.leaf.certPem, keyPem: s.leaf.keyPem }, userName: "admin",
    });
    const { outs } = await kubeconfigProvider.create(inputs, ctx);
    expect(outs!.content).toBe(kubeconfigProvider.plannedOutputs!(inputs).content);
    expect((await kubeconfigProvider.create({ ...inputs }, ctx)).outs!.content).toBe(outs!.content);

    const path = file("kubeconfig", outs!.content);
    const view = run("kubectl", ["--kubeconfig", path, "config", "view", "--raw", "-o", "json"]);
    expect(view.code, view.output).toBe(0);
    const k = JSON.parse(view.stdout);
    const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
    expect(k["current-context"]).toBe("admin@drydock");
    expect(k.clusters).toHaveLength(1);
    expect(k.clusters[0].name).toBe("drydock");
    expect(k.clusters[0].cluster.server).toBe("https://10.0.0.10:6443");
    expect(b64(k.clusters[0].cluster["certificate-authority-data"])).toBe(s.ca.certPem);
    expect(k.users[0].name).toBe("admin");
    expect(b64(k.users[0].user["client-certificate-data"])).toBe(s.leaf.certPem);
    expect(b64(k.users[0].user["client-key-data"])).toBe(s.leaf.keyPem);

    const contexts = run("kubectl", ["--kubeconfig", path, "config", "get-contexts"]);
    expect(contexts.code, contexts.output).toBe(0);
    expect(contexts.stdout.split("\n")[1]).toMatch(/^\*\s+admin@drydock\s+drydock\s+admin\s*$/);

    // and the certificate in it is a client certificate of that CA
    const v = verify(file, b64(k.clusters[0].cluster["certificate-authority-data"]), b64(k.users[0].user["client-certificate-data"]), { purpose: "sslclient", at: s.clock() });
    expect(v.code, v.output).toBe(0);
  });

  it("refuses a server that is not an https URL, naming the field", async () => {
    const r = await kubeconfigProvider.check!(undefined, {
      server: "http://10.0.0.10:6443", caCertPem: "-----BEGIN CERTIFICATE-----\n", certificate: { certPem: "-----BEGIN CERTIFICATE-----\n", keyPem: "PRIVATE KEY" }, userName: "admin",
    });
    expect(r.failures?.map((f) => f.property)).toEqual(["server"]);
  });
});
