/** Workloads' pure parts: overlays, object paths (diff, projection, ignored paths), kubeconfig parsing, readiness rules, YAML reading. */
import { describe, expect, it } from "vitest";
import { applyPatches, mergePatch, type KubeManifest } from "../../../sdk/kubernetes/workloads/patch.js";
import { diffObjects, project, withoutPaths } from "../../../installer/providers/kubernetes/object/paths.js";
import { parseKubeconfig } from "../../../installer/kubeapi/kubeconfig.js";
import { readiness, readinessSource, type Obj } from "../../../installer/kubeapi/readiness.js";
import { objectsOfYaml } from "../../../installer/providers/kubernetes/render.js";
import { schemaProblems } from "../../../installer/providers/kubernetes/object/validate.js";
import type { KubeClient } from "../../../installer/kubeapi/client.js";
import { objectProvider } from "../../../installer/providers/kubernetes/object/provider.js";

const cm = (name: string, ns?: string): KubeManifest => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(ns ? { namespace: ns } : {}) }, data: { a: "1" } });

describe("overlays", () => {
  it("merge patches select by kind, name pattern and namespace; null removes; a function may drop", () => {
    const objs = [cm("a", "x"), cm("b", "y"), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" }, spec: { replicas: 1 } } as KubeManifest];
    const out = applyPatches(objs, [
      { select: { kind: "ConfigMap", name: /^a$/ }, merge: { data: { a: null, b: "2" }, metadata: { labels: { t: "1" } } } },
      { select: { namespace: "y" }, apply: () => undefined },
      { select: { kind: "Deployment" }, apply: (o) => ({ ...o, spec: { replicas: 3 } }) },
    ]);
    expect(out).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "x", labels: { t: "1" } }, data: { b: "2" } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" }, spec: { replicas: 3 } },
    ]);
    expect(mergePatch({ l: [1, 2] }, { l: [3] })).toEqual({ l: [3] });
  });
});

describe("object paths", () => {
  it("diffs leaves through objects and arrays, masking secret paths", () => {
    const a = { spec: { replicas: 1, containers: [{ image: "x:1" }] }, data: { k: "old" } };
    const b = { spec: { replicas: 2, containers: [{ image: "x:2" }] }, data: { k: "new" }, extra: true };
    expect(diffObjects(a, b, (p) => p.startsWith("data"))).toEqual([
      { path: "data.k", kind: "update", old: "[secret]", new: "[secret]" },
      { path: "extra", kind: "add", new: true },
      { path: "spec.containers[0].image", kind: "update", old: "x:1", new: "x:2" },
      { path: "spec.replicas", kind: "update", old: 1, new: 2 },
    ]);
  });

  it("projects the live object on the manifest's fields only", () => {
    const manifest = { spec: { replicas: 2, template: { spec: { containers: [{ name: "c", image: "x:1" }] } } } };
    const live = { status: {}, spec: { replicas: 5, strategy: {}, template: { spec: { dnsPolicy: "ClusterFirst", containers: [{ name: "c", image: "x:1", imagePullPolicy: "IfNotPresent" }] } } } };
    expect(project(manifest, live)).toEqual({ spec: { replicas: 5, template: { spec: { containers: [{ name: "c", image: "x:1" }] } } } });
  });

  it("removes ignored paths from a body without touching the original", () => {
    const body = { spec: { replicas: 2, x: 1 } };
    expect(withoutPaths(body, ["spec.replicas", "no.such"])).toEqual({ spec: { x: 1 } });
    expect(body.spec.replicas).toBe(2);
  });
});

describe("kubeconfig", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const config = (cluster: Record<string, unknown>, user: Record<string, unknown> = { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") }) => JSON.stringify({
    "current-context": "c", contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
    clusters: [{ name: "k", cluster: { server: "https://10.0.0.1:6443", ...cluster } }], users: [{ name: "u", user }],
  });

  it("reads the current context's server, CA and credentials", () => {
    const e = parseKubeconfig(config({ "certificate-authority-data": b64("CA") }));
    expect([e.server.href, e.caPem, e.certPem, e.keyPem]).toEqual(["https://10.0.0.1:6443/", "CA", "CERT", "KEY"]);
  });

  it("refuses to skip verification, a missing CA, file references and a missing context", () => {
    expect(() => parseKubeconfig(config({ "certificate-authority-data": b64("CA"), "insecure-skip-tls-verify": true }))).toThrow(/insecure-skip-tls-verify: drydock always verifies/);
    expect(() => parseKubeconfig(config({}))).toThrow(/no certificate-authority-data/);
    expect(() => parseKubeconfig(config({ "certificate-authority": "/etc/ca.crt" }))).toThrow(/"certificate-authority" is not supported/);
    expect(() => parseKubeconfig(config({ "certificate-authority-data": b64("CA") }), "other")).toThrow(/no context "other"/);
    expect(() => parseKubeconfig(config({ "certificate-authority-data": b64("CA") }, {}))).toThrow(/neither a client certificate and key nor a token/);
  });
});

describe("readiness", () => {
  const none = {} as KubeClient;
  const dep = (status: Record<string, unknown>, generation = 2): Obj => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", generation }, spec: { replicas: 2 }, status });
  const progressed = { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" };

  it("a Deployment is ready once its latest generation is observed and the new ReplicaSet is available", async () => {
    expect((await readiness(none, dep({ observedGeneration: 1 }))).waiting).toMatch(/not seen the latest change/);
    expect((await readiness(none, dep({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 }))).waiting).toBe("1 of 2 replicas updated");
    expect((await readiness(none, dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 1, replicas: 2 }))).waiting).toBe("1 of 2 replicas available");
    expect((await readiness(none, dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2, replicas: 3, conditions: [progressed] }))).waiting).toMatch(/old replicas/);
    expect((await readiness(none, dep({ observedGeneration: 2, updatedReplicas: 2, availableReplicas: 2, replicas: 2, conditions: [progressed] }))).ready).toBe(true);
    expect((await readiness(none, dep({ observedGeneration: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "too slow" }] }))).failed).toMatch(/ProgressDeadlineExceeded: too slow/);
  });

  it("a Job fails on its Failed condition, a Pod on phase Failed; a ConfigMap is ready at once", async () => {
    const job: Obj = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "m" }] } };
    expect((await readiness(none, job)).failed).toBe("BackoffLimitExceeded: m");
    expect((await readiness(none, { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, status: { phase: "Failed" } })).failed).toMatch(/pod failed/);
    expect((await readiness(none, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } })).ready).toBe(true);
  });

  it("a Service's readiness is read from (and watched in) its EndpointSlices; other kinds from themselves", () => {
    const src = readinessSource({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "demo" } });
    expect(src?.collection).toBe("/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices");
    expect(src?.match({ metadata: { labels: { "kubernetes.io/service-name": "web" } } })).toBe(true);
    expect(src?.match({ metadata: { labels: { "kubernetes.io/service-name": "api" } } })).toBe(false);
    expect(readinessSource(dep({}))).toBeUndefined();
    expect(readinessSource({ apiVersion: "example.com/v1", kind: "Service", metadata: { name: "web" } })).toBeUndefined();
  });
});

describe("YAML and schemas", () => {
  it("unpacks Lists, skips empty documents, and names the document that is not an object", () => {
    const text = "---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
    expect(objectsOfYaml(text, "f.yaml").map((o) => o.metadata.name)).toEqual(["a", "b"]);
    expect(() => objectsOfYaml("a: 1\n", "f.yaml")).toThrow("f.yaml, document 1: not a Kubernetes object");
  });

  it("checks a known kind against its OpenAPI schema, naming the field", async () => {
    const bad = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: "3", selector: {}, template: {} } };
    expect(await schemaProblems(bad)).toEqual([["spec.replicas", "must be integer"]]);
    expect(await schemaProblems({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([]);
  });
});

describe("kubernetes.Object check", () => {
  const p = objectProvider(() => { throw new Error("no SSH here"); });
  const news = { access: { kubeconfig: "unused" }, manifest: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: "3", selector: {}, template: {} } } };

  it("a plan names a field the kind's schema refuses, with its value", async () => {
    const r = await p.check!(undefined, news, { urn: "u", dryRun: true });
    expect(r.failures).toEqual([{ property: "manifest.spec.replicas", reason: 'Deployment must be integer (got "3")' }]);
  });

  it("an unchanged declaration, or the apply half of up (its plan checked it), is not checked again", async () => {
    expect((await p.check!(news, news, { urn: "u", dryRun: true })).failures).toBeUndefined();
    expect((await p.check!(undefined, news, { urn: "u", dryRun: false })).failures).toBeUndefined();
  });

  it("a name that is not a DNS name is refused with its path", async () => {
    const r = await p.check!(undefined, { ...news, manifest: { ...news.manifest, metadata: { name: "Web_1" } } }, { urn: "u", dryRun: true });
    expect(r.failures?.[0]?.property).toBe("manifest.metadata.name");
  });
});
