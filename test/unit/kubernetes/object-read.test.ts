/**
 * kubernetes.Object's read contract against a local HTTPS server (our own PKI, the client's CA
 * verified): "gone" only when the API server answers 404 (or no longer serves the kind); a refused
 * connection, a 403, a 500 or a server with a certificate from another CA is an error naming the
 * server, and refresh keeps the resource.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCa, issueLeaf, type Issued } from "../../../installer/pki/issue.js";
import { renderKubeconfig } from "../../../installer/pki/kubeconfig.js";
import { objectProvider } from "../../../installer/providers/kubernetes/object/provider.js";
import { kubernetes, type ProviderContext } from "../../../sdk/index.js";

const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:test", log: () => {} };
const now = new Date();
const day = 86_400_000;
let ca: Issued;
let foreign: Issued;
let serving: Issued;
let servingForeign: Issued;
let client: Issued;

/** How the server answers GET of the ConfigMap. */
let answer: { code: number; body?: unknown } = { code: 200 };
const servers: https.Server[] = [];

async function server(cert: Issued): Promise<string> {
  const s = https.createServer({ cert: cert.certPem, key: cert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/api/v1") {
      res.end(JSON.stringify({ resources: [{ name: "configmaps", kind: "ConfigMap", namespaced: true }] }));
      return;
    }
    res.statusCode = answer.code;
    res.end(JSON.stringify(answer.body ?? (answer.code === 200
      ? { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "default", uid: "u1" }, data: { k: "live" } }
      : { kind: "Status", reason: answer.code === 404 ? "NotFound" : "Forbidden", message: `answer ${answer.code}` })));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const kubeconfig = (server: string) => renderKubeconfig({ server, caCertPem: ca.certPem, certificate: client, clusterName: "k", userName: "u" });

const inputs = (server: string) => kubernetes.ObjectArgsSchema.parse({
  access: { kubeconfig: kubeconfig(server) },
  manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "default" }, data: { k: "declared" } },
});
const p = objectProvider(() => { throw new Error("no SSH in this test"); });
const read = (i: kubernetes.ObjectInputs) => p.read!("/api/v1/namespaces/default/configmaps/a", { ...i, drift: [] } as never, i, ctx);

beforeAll(async () => {
  const leaf = { algorithm: "ecdsa-p256" as const, validityMs: day, now };
  ca = await issueCa({ commonName: "test-ca", organization: [], ...leaf });
  foreign = await issueCa({ commonName: "foreign-ca", organization: [], ...leaf });
  serving = await issueLeaf({ ca, commonName: "api", organization: [], usages: ["server"], ipAddresses: ["127.0.0.1"], ...leaf });
  servingForeign = await issueLeaf({ ca: foreign, commonName: "api", organization: [], usages: ["server"], ipAddresses: ["127.0.0.1"], ...leaf });
  client = await issueLeaf({ ca, commonName: "admin", organization: ["system:masters"], usages: ["client"], ...leaf });
});
afterAll(() => servers.forEach((s) => s.close()));

describe("kubernetes.Object read", () => {
  it("reads the live object; drift in a field the program sets is recorded and shows in the inputs", async () => {
    answer = { code: 200 };
    const r = await read(inputs(await server(serving)));
    expect(r?.props?.drift).toEqual(["data.k"]);
    expect((r?.inputs as { manifest: { data: unknown } }).manifest.data).toEqual({ k: "live" });
  });

  it("is gone only when the server answers 404", async () => {
    answer = { code: 404 };
    await expect(read(inputs(await server(serving)))).resolves.toBeUndefined();
  });

  it("a 403 or a 500 is an error naming the server, never gone", async () => {
    const url = await server(serving);
    for (const code of [403, 500]) {
      answer = { code };
      await expect(read(inputs(url))).rejects.toThrow(new RegExp(`GET /api/v1/namespaces/default/configmaps/a: answer ${code}`));
    }
  });

  it("a refused connection is an error naming the server", async () => {
    const s = https.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
    s.close();
    await expect(read(inputs(url))).rejects.toThrow(new RegExp(`${url.replace(/\./g, "\\.")}: connect ECONNREFUSED`));
  });

  it("a server whose certificate another CA signed is refused (the kubeconfig's CA is verified)", async () => {
    answer = { code: 200 };
    await expect(read(inputs(await server(servingForeign)))).rejects.toThrow(/unable to verify|self.signed|certificate/i);
  });
});
