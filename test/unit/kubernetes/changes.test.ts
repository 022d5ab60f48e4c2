/**
 * Watches that wake waiters (installer/kubeapi/changes.ts) against a local HTTPS server with our
 * own PKI: a change to the object waited on wakes its waiter at once, a change to another does
 * not, one watch serves every waiter of a collection, a change seen just before the wait counts,
 * and a watch the server refuses leaves the waiters on their timers without asking again.
 */
import https from "node:https";
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Changes } from "../../../installer/kubeapi/changes.js";
import { KubeClient } from "../../../installer/kubeapi/client.js";
import { parseKubeconfig } from "../../../installer/kubeapi/kubeconfig.js";
import { issueCa, issueLeaf, type Issued } from "../../../installer/pki/issue.js";
import { renderKubeconfig } from "../../../installer/pki/kubeconfig.js";

const COLLECTION = "/api/v1/namespaces/default/configmaps";
let ca: Issued;
let serving: Issued;
let admin: Issued;
let server: https.Server;
let url = "";
/** Open watch streams, and the query each was opened with. */
const streams: { res: ServerResponse; query: URLSearchParams }[] = [];
let refuse = false;
let client: KubeClient;
let changes: Changes;

const event = (name: string, rv: string) => `${JSON.stringify({ type: "MODIFIED", object: { metadata: { name, resourceVersion: rv } } })}\n`;
const timed = async (p: Promise<void>): Promise<number> => {
  const t0 = Date.now();
  await p;
  return Date.now() - t0;
};
const until = async (f: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!f()) throw new Error("condition not met");
};

beforeAll(async () => {
  const o = { algorithm: "ecdsa-p256" as const, validityMs: 86_400_000, now: new Date(), organization: [] };
  ca = await issueCa({ commonName: "test-ca", ...o });
  serving = await issueLeaf({ ca, commonName: "api", usages: ["server"], ipAddresses: ["127.0.0.1"], ...o });
  admin = await issueLeaf({ ca, commonName: "admin", usages: ["client"], ...o });
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const u = new URL(req.url!, "https://x");
    res.setHeader("content-type", "application/json");
    if (u.pathname !== COLLECTION || u.searchParams.get("watch") !== "1") {
      res.statusCode = 404;
      return res.end("{}");
    }
    if (refuse) {
      res.statusCode = 403;
      return res.end(JSON.stringify({ kind: "Status", reason: "Forbidden", message: "configmaps is forbidden: cannot watch" }));
    }
    res.flushHeaders();
    streams.push({ res, query: u.searchParams });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
const fresh = (): void => {
  client = new KubeClient(parseKubeconfig(renderKubeconfig({ server: url, caCertPem: ca.certPem, certificate: admin, clusterName: "k", userName: "u" })));
  changes = new Changes(client);
};
afterEach(() => {
  changes.close();
  client.close();
  for (const s of streams.splice(0)) s.res.end();
  refuse = false;
});
afterAll(() => server.close());

describe("Changes", () => {
  it("wakes the waiter of a changed object at once, from the resourceVersion it read; a change to another object does not", async () => {
    fresh();
    const a = timed(changes.wait(COLLECTION, (o) => o.metadata?.name === "a", { since: Date.now(), ms: 10_000, from: "41" }));
    const b = timed(changes.wait(COLLECTION, (o) => o.metadata?.name === "b", { since: Date.now(), ms: 600 }));
    await until(() => streams.length === 1);
    expect(streams[0]!.query.get("resourceVersion")).toBe("41");
    // Split across writes, as a stream may arrive.
    const line = event("a", "42");
    streams[0]!.res.write(line.slice(0, 10));
    streams[0]!.res.write(line.slice(10));
    expect(await a).toBeLessThan(1000);
    const tb = await b;
    expect(tb).toBeGreaterThanOrEqual(590);
    expect(streams).toHaveLength(1);
  });

  it("a change seen after the waiter looked, but before it waits, wakes it at once", async () => {
    fresh();
    const first = changes.wait(COLLECTION, () => false, { since: Date.now(), ms: 5_000 });
    await until(() => streams.length === 1);
    const looked = Date.now();
    streams[0]!.res.write(event("c", "50"));
    await new Promise((r) => setTimeout(r, 100));
    expect(await timed(changes.wait(COLLECTION, (o) => o.metadata?.name === "c", { since: looked, ms: 5_000 }))).toBeLessThan(50);
    changes.close();
    await first;
  });

  it("a cancelled run stops waiting at once, whether cancelled before or during the wait", async () => {
    fresh();
    const before = new AbortController();
    before.abort();
    expect(await timed(changes.wait(COLLECTION, () => false, { since: Date.now(), ms: 5_000, signal: before.signal }))).toBeLessThan(50);
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    expect(await timed(changes.wait(COLLECTION, () => false, { since: Date.now(), ms: 5_000, signal: during.signal }))).toBeLessThan(1000);
  });

  it("a watch the server refuses leaves each waiter on its timer, and is not asked again at once", async () => {
    fresh();
    refuse = true;
    expect(await timed(changes.wait(COLLECTION, () => true, { since: Date.now(), ms: 300 }))).toBeGreaterThanOrEqual(290);
    refuse = false;
    expect(await timed(changes.wait(COLLECTION, () => true, { since: Date.now(), ms: 300 }))).toBeGreaterThanOrEqual(290);
    expect(streams).toHaveLength(0);
  });
});
