/**
 * Workloads on a real cluster (examples/cluster: 1 control plane, 1 worker), through the real CLI
 * and the release's kubectl: an app deployed and awaited, a rolling update, drift undone, pruning,
 * a conflict with another field manager (and ignoreChanges), a missing image named in the
 * failure, a Secret's value nowhere in plaintext, a local chart installed, upgraded and removed,
 * a CRD and its custom object in one program, and a namespace held by a finalizer.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { labHelm } from "../../lab/env.mjs";
import { labConnection, lxc, sweep } from "./env.js";
import { describeKube } from "./kube-env.js";
import { clusterProject, type ClusterLab } from "./cluster-env.js";
import { workloadsProject, type WorkloadsLab } from "./workloads-env.js";

const PREFIX = "dd-wl";
const WORKER = `${PREFIX}-worker-1`;
const CP = `${PREFIX}-cp-1`;
const SECRET = "s3cr3t-Wl-7f1e9c2a";
const CHART = join(import.meta.dirname, "../../fixtures/charts/greeter");

/** Every file under `dir`, as text. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: "utf8" })
  .map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).map((f) => readFileSync(f, "latin1"));

const app = (image: string, extra = "") => `
new kubernetes.Namespace("shop", { cluster });
const web = new kubernetes.App("web", {
  cluster, namespace: "shop", image: ${image}, port: 8080, replicas: 2, args: ["netexec", "--http-port=8080"],
  config: { "motd.txt": "welcome" },
});
new kubernetes.Secret("creds", { cluster, metadata: { namespace: "shop" }, stringData: { password: "${SECRET}" } });
export const host = web.host;
${extra}`;

describeKube("workloads on a real cluster (server-side apply, readiness, drift, prune, charts)", (lab, kube) => {
  let c: ClusterLab;
  let w: WorkloadsLab;
  const agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.66.1";
  const kubectl = (...args: string[]) => c.kubectl(...args);
  const json = async (...args: string[]) => JSON.parse(await kubectl(...args, "-o", "json"));

  beforeAll(async () => {
    await sweep(PREFIX);
    c = await clusterProject(lab, kube, { prefix: PREFIX, subnet: "10.245.0.1/24", workers: "1" });
    await c.p.ok("up", "--yes");
    await c.refreshKubeconfig();
    // A second tag of the image the worker holds, for a rolling update without a registry.
    await lxc("exec", WORKER, "--", "ctr", "-n", "k8s.io", "images", "tag", agnhost, `${agnhost}-b`);
    w = await workloadsProject(c, agnhost);
  }, 300_000);

  afterAll(async () => {
    await w?.p.run("destroy", "--yes");
    await c?.p.run("destroy", "--yes");
    await sweep(PREFIX);
    w?.p.cleanup();
    c?.p.cleanup();
  }, 240_000);

  it("the first preview shows each object's body; up applies them and waits until the app is available", async () => {
    w.program(app("agnhost"));
    const preview = await w.p.ok("preview", "--diff");
    expect(preview.stdout).toMatch(/drydock:kubernetes:Object\s+web-deployment\s+create/);
    expect(preview.stdout).toContain('manifest.kind: "Deployment"');
    expect(preview.stdout).toContain(`"image":"${agnhost}"`);
    expect(preview.stdout).toMatch(/"kind":"Secret".*"stringData":"\[secret\]"/);
    const up = await w.p.ok("up", "--yes");
    expect(up.stdout).toMatch(/web-deployment\s+created/);
    // up returned only once the new pods were available, and the Service has both behind it.
    const d = await json("-n", "shop", "get", "deployment", "web", "--show-managed-fields");
    expect([d.status.availableReplicas, d.status.updatedReplicas]).toEqual([2, 2]);
    const slices = await json("-n", "shop", "get", "endpointslices", "-l", "kubernetes.io/service-name=web");
    expect(slices.items.flatMap((s: { endpoints: unknown[] }) => s.endpoints)).toHaveLength(2);
    expect(d.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toContain("drydock/Apply");
    expect(await kubectl("-n", "shop", "get", "configmap", "web", "-o", "jsonpath={.data.motd\\.txt}")).toBe("welcome");
    expect((await w.p.ok("up", "--yes")).stdout).toMatch(/Resources: 6 unchanged/);
  }, 180_000);

  it("a new image tag rolls the Deployment, and up waits for the rollout", async () => {
    w.program(app("`${agnhost}-b`"));
    const preview = await w.p.ok("preview", "--diff");
    // The diff is the server's dry run: only the image changes.
    expect(preview.stdout).toContain(`~ spec.template.spec.containers[0].image: "${agnhost}" => "${agnhost}-b"`);
    await w.p.ok("up", "--yes");
    const pods = await json("-n", "shop", "get", "pods", "-l", "app.kubernetes.io/name=web");
    const running = pods.items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
    expect(running.map((p: { spec: { containers: { image: string }[] } }) => p.spec.containers[0]!.image)).toEqual([`${agnhost}-b`, `${agnhost}-b`]);
    const d = await json("-n", "shop", "get", "deployment", "web");
    expect([d.status.updatedReplicas, d.status.availableReplicas, d.status.replicas]).toEqual([2, 2, 2]);
  }, 180_000);

  it("an edit with kubectl is seen by refresh and undone by the next up", async () => {
    await c.sh(`KUBE_EDITOR="sed -i s/welcome/vandalised/" ${c.kubectlPath} --kubeconfig ${c.kubeconfig} -n shop edit configmap web`);
    const refresh = await w.p.ok("refresh", "--yes");
    expect(refresh.stdout).toMatch(/web-config\s+updated\s+\(drift/);
    const preview = await w.p.ok("preview", "--diff");
    expect(preview.stdout).toContain('~ data.motd.txt: "vandalised" => "welcome"');
    await w.p.ok("up", "--yes");
    expect(await kubectl("-n", "shop", "get", "configmap", "web", "-o", "jsonpath={.data.motd\\.txt}")).toBe("welcome");
  }, 120_000);

  it("a Secret's value is nowhere in plaintext: not in state, plans, events or logs", async () => {
    const events = join(w.p.dir, "events.json");
    const outs = [
      await w.p.ok("preview", "--diff", "--refresh"),
      await w.p.ok("up", "--yes", "--refresh", "--events", events),
      await w.p.ok("stack", "output", "--json"),
    ];
    for (const o of outs) expect(`${o.stdout}${o.stderr}`).not.toContain(SECRET);
    for (const f of filesUnder(join(w.p.dir, ".drydock"))) expect(f).not.toContain(SECRET);
    expect(readFileSync(events, "utf8")).not.toContain(SECRET);
    expect(readFileSync(events, "utf8")).toContain("creds");
    // …and it did reach the cluster.
    expect(Buffer.from(await kubectl("-n", "shop", "get", "secret", "creds", "-o", "jsonpath={.data.password}"), "base64").toString()).toBe(SECRET);
  }, 120_000);

  it("an object dropped from the program is deleted from the cluster", async () => {
    w.program(app("`${agnhost}-b`").replace(/new kubernetes\.Secret[^\n]*\n/, ""));
    const up = await w.p.ok("up", "--yes");
    expect(up.stdout).toMatch(/creds\s+deleted/);
    expect(await kubectl("-n", "shop", "get", "secret", "creds", "--ignore-not-found", "-o", "name")).toBe("");
  }, 120_000);

  it("a replacement that keeps the object's name (replaceOnChanges) leaves the new object in place", async () => {
    const swap = (v: string) => `new kubernetes.ConfigMap("swap", { cluster, data: { v: "${v}" } }, { replaceOnChanges: ["manifest.data"] });`;
    w.program(swap("1"));
    await w.p.ok("up", "--yes");
    w.program(swap("2"));
    expect((await w.p.ok("up", "--yes")).stdout).toMatch(/swap\s+replaced/);
    expect(await kubectl("get", "configmap", "swap", "-o", "jsonpath={.data.v}")).toBe("2");
  }, 120_000);

  it("a field another manager took is a conflict naming it; ignoreChanges leaves it to them", async () => {
    const counter = (label: string, opts = "") => `
new kubernetes.Deployment("counter", { cluster, metadata: { namespace: "default", labels: { rev: "${label}" } }, spec: {
  replicas: 1, selector: { matchLabels: { app: "counter" } },
  template: { metadata: { labels: { app: "counter" } }, spec: { containers: [{ name: "c", image: agnhost, args: ["pause"] }] } },
} }${opts});`;
    w.program(app("`${agnhost}-b`").replace(/new kubernetes\.Secret[^\n]*\n/, "") + counter("1"));
    await w.p.ok("up", "--yes");
    await kubectl("-n", "default", "scale", "deployment", "counter", "--replicas=2");
    w.program(app("`${agnhost}-b`").replace(/new kubernetes\.Secret[^\n]*\n/, "") + counter("2"));
    const refused = await w.p.run("preview");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/Deployment default\/counter: another field manager owns fields drydock would change: \.spec\.replicas \(managed by "kubectl[^"]*"\)/);
    expect((await w.p.run("up", "--yes")).exitCode).not.toBe(0);
    w.program(app("`${agnhost}-b`").replace(/new kubernetes\.Secret[^\n]*\n/, "") + counter("2", `, { ignoreChanges: ["manifest.spec.replicas"] }`));
    await w.p.ok("up", "--yes");
    const d = await json("-n", "default", "get", "deployment", "counter");
    expect([d.metadata.labels.rev, d.spec.replicas, d.status.availableReplicas]).toEqual(["2", 2, 2]);
  }, 180_000);

  it("a typo in a new object fails the plan (the server's dry run), before anything is applied", async () => {
    w.program(`
new kubernetes.ConfigMap("innocent", { cluster, data: { a: "1" } });
new kubernetes.KubeObject("typo", { cluster, manifest: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "typo", namespace: "default" }, spec: {
  replica: 2, selector: { matchLabels: { app: "typo" } },
  template: { metadata: { labels: { app: "typo" } }, spec: { containers: [{ name: "c", image: agnhost }] } },
} } });`);
    for (const cmd of [["preview"], ["up", "--yes"]]) {
      const r = await w.p.run(...cmd);
      expect(r.exitCode, cmd[0]).toBe(2);
      expect(r.stderr).toMatch(/typo.*\.spec\.replica: field not declared in schema.*typo\.manifest/s);
    }
    expect(await kubectl("get", "configmap", "innocent", "--ignore-not-found", "-o", "name")).toBe("");
  }, 120_000);

  it("a Deployment whose image is missing fails within its timeout, naming the image and the node", async () => {
    w.program(`new kubernetes.Deployment("broken", { cluster, readyTimeout: 20, spec: {
  selector: { matchLabels: { app: "broken" } },
  template: { metadata: { labels: { app: "broken" } }, spec: { containers: [{ name: "c", image: "registry.k8s.io/x:1.0", imagePullPolicy: "Never" }] } },
} });`);
    const started = Date.now();
    const r = await w.p.run("up", "--yes");
    expect(r.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Deployment default\/broken not ready after 20s/);
    expect(`${r.stdout}${r.stderr}`).toMatch(new RegExp(`ErrImageNeverPull: Container image "registry.k8s.io/x:1.0" is not present with pull policy of Never — pod broken-[a-z0-9-]+ on node ${WORKER}`));
    // What was made is in state, so the next up removes it.
    w.program("");
    const gone = await w.p.ok("up", "--yes");
    expect(gone.stdout).toMatch(/broken\s+deleted/);
    expect(await kubectl("get", "deployment", "broken", "--ignore-not-found", "-o", "name")).toBe("");
  }, 180_000);

  it("a crashing container fails its Deployment within the timeout, with CrashLoopBackOff and its last log lines", async () => {
    w.program(`new kubernetes.Deployment("crashing", { cluster, readyTimeout: 30, spec: {
  selector: { matchLabels: { app: "crashing" } },
  template: { metadata: { labels: { app: "crashing" } }, spec: { containers: [{ name: "c", image: agnhost, command: ["sh", "-c", "echo boom-7e3f; exit 3"] }] } },
} });`);
    const r = await w.p.run("up", "--yes");
    expect(r.exitCode).not.toBe(0);
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toMatch(/Deployment default\/crashing not ready after 30s/);
    // Caught waiting to restart (CrashLoopBackOff) or just exited: either way the exit code and the last log lines.
    expect(out).toMatch(/(CrashLoopBackOff: .*\(last exit 3, Error\)|Error \(exit 3\)) — pod crashing-[a-z0-9-]+ on node dd-wl-worker-1, container c; last log lines:\s+boom-7e3f/s);
    w.program("");
    await w.p.ok("up", "--yes");
  }, 180_000);

  it("a local chart is installed, upgraded (what it no longer renders is pruned) and removed", async () => {
    const chart = (values: string) => `
new kubernetes.Chart("greeter", { cluster, chart: ${JSON.stringify(CHART)}, namespace: "default", helm: ${JSON.stringify(labHelm(kube))},
  values: ${values} });`;
    w.program(chart(`{ image: agnhost }`));
    const preview = await w.p.ok("preview");
    expect(preview.stdout).toMatch(/greeter:Deployment\/greeter\s+create/);
    expect(preview.stdout).toMatch(/greeter:ConfigMap\/greeter-extra\s+create/);
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "configmap", "greeter-greeting", "-o", "jsonpath={.data.greeting}")).toBe("hello");
    expect((await json("get", "deployment", "greeter")).status.availableReplicas).toBe(1);
    w.program(chart(`{ image: agnhost, greeting: "bonjour", extra: false }`));
    const up = await w.p.ok("up", "--yes");
    expect(up.stdout).toMatch(/greeter:ConfigMap\/greeter-extra\s+deleted/);
    expect(await kubectl("get", "configmap", "greeter-greeting", "-o", "jsonpath={.data.greeting}")).toBe("bonjour");
    expect(await kubectl("get", "configmap", "greeter-extra", "--ignore-not-found", "-o", "name")).toBe("");
    w.program("");
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "deployment,configmap", "-l", "app.kubernetes.io/instance=greeter", "-o", "name")).toBe("");
  }, 180_000);

  it("a CRD and its custom object in one program: the object waits for the CRD to be established", async () => {
    w.program(`
const crd = new kubernetes.CustomResourceDefinition("widgets", { cluster, metadata: { name: "widgets.example.com" }, spec: {
  group: "example.com", scope: "Namespaced", names: { kind: "Widget", plural: "widgets", singular: "widget" },
  versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } } }],
} });
const Widget = kubernetes.customKind("example.com/v1", "Widget");
new Widget("w1", { cluster, metadata: { namespace: "default" }, spec: { size: 3 } });`);
    expect((await w.p.ok("preview")).stdout).toMatch(/Resources: \+ 2 to create/);
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "widgets.example.com", "w1", "-o", "jsonpath={.spec.size}")).toBe("3");
    w.program("");
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "crd", "widgets.example.com", "--ignore-not-found", "-o", "name")).toBe("");
  }, 180_000);

  it("through an SSH host: a kubeconfig whose server is 127.0.0.1 reaches the API on the control-plane host, not here", async () => {
    const address = (await lxc("exec", CP, "--", "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    const hostKey = (await lxc("exec", CP, "--", "ssh-keygen", "-lf", "/etc/ssh/ssh_host_ed25519_key.pub")).split(" ")[1]!;
    const local = readFileSync(c.kubeconfig, "utf8").replace(/server: https:\/\/\S+/, "server: https://127.0.0.1:6443");
    await w.p.ok("config", "set", "--secret", "localKubeconfig", local);
    const via = { host: address, port: 22, user: "root", privateKeyPath: lab.key, hostKeys: [hostKey], jump: labConnection(lab) };
    const program = (v: string) => `new kubernetes.ConfigMap("via-ssh", { cluster: { kubeconfig: config.requireSecret("localKubeconfig")${v} }, data: { through: "ssh" } });`;
    // Without the SSH host, 127.0.0.1:6443 is nothing here.
    w.program(program(""));
    const direct = await w.p.run("up", "--yes");
    expect(direct.exitCode).not.toBe(0);
    expect(`${direct.stdout}${direct.stderr}`).toMatch(/127\.0\.0\.1:6443.*ECONNREFUSED|ECONNREFUSED.*127\.0\.0\.1:6443/);
    w.program(program(`, via: ${JSON.stringify(via)}`));
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "configmap", "via-ssh", "-o", "jsonpath={.data.through}")).toBe("ssh");
    w.program("");
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "configmap", "via-ssh", "--ignore-not-found", "-o", "name")).toBe("");
  }, 120_000);

  it("a namespace held by an object's finalizer: the delete times out naming the finalizer, and completes once it is released", async () => {
    w.program(`new kubernetes.Namespace("held", { cluster, deleteTimeout: 10 });`);
    await w.p.ok("up", "--yes");
    await kubectl("-n", "held", "create", "configmap", "pinned");
    await kubectl("-n", "held", "patch", "configmap", "pinned", "--type=merge", "-p", '{"metadata":{"finalizers":["example.com/hold"]}}');
    w.program("");
    const r = await w.p.run("up", "--yes");
    expect(r.exitCode).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Namespace held still exists 10s after its deletion, held by: .*example\.com\/hold/);
    await kubectl("-n", "held", "patch", "configmap", "pinned", "--type=merge", "-p", '{"metadata":{"finalizers":null}}');
    await w.p.ok("up", "--yes");
    expect(await kubectl("get", "namespace", "held", "--ignore-not-found", "-o", "name")).toBe("");
  }, 180_000);
});
