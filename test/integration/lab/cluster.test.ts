/**
 * examples/cluster on the lab through the real CLI and the release's own kubectl: one
 * control-plane host and two workers from upstream binaries. The smoke tests of Kubernetes the
 * Hard Way (a Secret encrypted in etcd, a Deployment over both workers, logs, exec, port-forward,
 * a ClusterIP Service from the other node, a NodePort from the lab host, DNS), the security
 * checks (anonymous, kubelet's API, the node authorizer, etcd's mTLS), a second `up` that
 * restarts nothing, a worker added and removed touching no other component, and the cluster
 * taken off its hosts leaving them as they were.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { issueCa, issueLeaf } from "../../../installer/pki/issue.js";
import { lxc, sweep } from "./env.js";
import { describeKube } from "./kube-env.js";
import { clusterProject, invocations, restarted, type ClusterLab } from "./cluster-env.js";

const PREFIX = "dd-kc";
const CP = `${PREFIX}-cp-1`;
const W1 = `${PREFIX}-worker-1`;
const W2 = `${PREFIX}-worker-2`;
const W3 = `${PREFIX}-worker-3`;
const on = (host: string, script: string) => lxc("exec", host, "--", "bash", "-c", script);

/** What a cluster could leave on a host: files in the usual places, units, mounts, links and iptables rules. */
const SNAPSHOT = [
  "find /etc /usr/local /opt /var/lib /var/log /run /srv -xdev \\( -path /var/log/journal -o -path /run/systemd -o -path /run/user -o -path /var/lib/systemd -o -path /run/log -o -path /run/udev -o -path /var/lib/private -o -path /var/log/private -o -path /run/sshd -o -path /run/dbus -o -path /run/dd-lab-exec -o -path /var/cache -o -path /run/lock -o -path /run/agetty.reload \\) -prune -o -print | sort",
  "echo '--- units'; systemctl list-unit-files --no-legend | awk '{print $1}' | sort",
  "echo '--- mounts'; awk '{print $5}' /proc/self/mountinfo | sort",
  "echo '--- links'; ip -o link | awk -F': ' '{print $2}' | sort",
  "echo '--- routes'; ip -4 route | sort",
  "echo '--- addresses'; ip -4 -o addr | awk '{print $2, $4}' | sort",
  "echo '--- iptables'; for ipt in iptables ip6tables; do $ipt-save | grep -E '^(-A|:[A-Z0-9_-]+ - )' | sort; done",
].join("\n");

describeKube("a Kubernetes cluster (examples/cluster: 1 control plane, 2 workers) on the lab", (lab, kube) => {
  let c: ClusterLab;
  const before: Record<string, string> = {};
  const address: Record<string, string> = {};

  beforeAll(async () => {
    await sweep(PREFIX);
    c = await clusterProject(lab, kube, { prefix: PREFIX, subnet: "10.246.0.1/24", workers: "2", kubernetes: "false" });
    await c.p.ok("up", "--yes");
    for (const h of [CP, W1, W2]) {
      before[h] = await on(h, SNAPSHOT);
      address[h] = (await on(h, "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")).trim();
    }
  }, 240_000);

  afterAll(async () => {
    await c?.p.run("destroy", "--yes");
    await sweep(PREFIX);
    c?.p.cleanup();
  }, 240_000);

  it("the plan shows per host what it writes, starts and waits for; up makes a cluster whose nodes kubectl shows Ready", async () => {
    await c.p.ok("config", "set", "kubernetes", "true");
    const preview = await c.p.ok("preview");
    expect(preview.stdout).toMatch(new RegExp(`drydock:host:Files\\s+${PREFIX}-control-plane-${CP}-files\\s+create`));
    expect(preview.stdout).toMatch(new RegExp(`drydock:host:Service\\s+${PREFIX}-control-plane-${CP}-kube-apiserver\\s+create`));
    expect(preview.stdout).toMatch(new RegExp(`drydock:kubernetes:NodeRegistration\\s+${PREFIX}-${W2}-registration\\s+create`));
    expect(preview.stdout).toMatch(new RegExp(`drydock:host:HealthGate\\s+${PREFIX}-dns-resolves\\s+create`));
    const up = await c.p.ok("up", "--yes");
    expect(up.stdout).toMatch(new RegExp(`HealthGate\\s+${PREFIX}-dns-resolves\\s+created`));
    await c.refreshKubeconfig();
    expect(parse(await c.kubectl("config", "view", "--raw", "-o", "yaml")).clusters[0].cluster.server).toBe(`https://${address[CP]}:6443`);
    const nodes = JSON.parse(await c.kubectl("get", "nodes", "-o", "json")).items as { metadata: { name: string }; status: { conditions: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string } } }[];
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual([W1, W2]);
    for (const n of nodes) {
      expect(n.status.conditions.find((x) => x.type === "Ready")?.status, n.metadata.name).toBe("True");
      expect(n.status.nodeInfo.kubeletVersion).toBe(kube.LAB_KUBE_VERSION);
    }
    expect(await c.kubectl("get", "--raw", "/readyz")).toBe("ok");
    // The example's workload came up in the same run, awaited: its pods were available when up returned.
    expect(await c.kubectl("-n", "demo", "get", "deployment", "hello", "-o", "jsonpath={.status.availableReplicas}")).toBe("2");
    expect(await c.kubectl("-n", "kube-system", "get", "deployment", "coredns", "-o", "jsonpath={.status.availableReplicas}")).toBe("2");
    // The check pod that proved DNS is gone again.
    expect(await c.kubectl("get", "pods", "-n", "default", "-l", "app.kubernetes.io/managed-by=drydock", "-o", "name")).toBe("");
  }, 600_000);

  it("a Secret is stored encrypted in etcd (k8s:enc:aescbc), and reads back through the API", async () => {
    await c.kubectl("create", "secret", "generic", "kthw", "--from-literal=mykey=mydata");
    const raw = await on(CP, "set -a; . /etc/etcd/etcdctl.env; etcdctl get /registry/secrets/default/kthw --print-value-only | head -c 40 | od -An -c | tr -d ' \\n'");
    expect(raw).toMatch(/^k8s:enc:aescbc:v1:drydock-1:/);
    expect(Buffer.from(await c.kubectl("get", "secret", "kthw", "-o", "jsonpath={.data.mykey}"), "base64").toString()).toBe("mydata");
  }, 60_000);

  it("a Deployment of agnhost spreads over both workers: logs, exec, port-forward, a ClusterIP Service from the other node, a NodePort from the lab host, DNS", async () => {
    const manifest = join(c.p.dir, "agnhost.yaml");
    writeFileSync(manifest, AGNHOST);
    await c.kubectl("apply", "-f", manifest);
    await c.kubectl("rollout", "status", "deployment/agnhost", "--timeout=120s");
    const pods = JSON.parse(await c.kubectl("get", "pods", "-l", "app=agnhost", "-o", "json")).items as { metadata: { name: string }; spec: { nodeName: string } }[];
    expect(pods.map((x) => x.spec.nodeName).sort()).toEqual([W1, W2]);
    const [a, b] = pods.map((x) => x.metadata.name) as [string, string];
    expect(await c.kubectl("logs", a)).toContain("Started HTTP server on port 8080");
    expect((await c.kubectl("exec", a, "--", "hostname")).trim()).toBe(a);
    // port-forward, through the API server and kubelet.
    const pf = execa(c.kubectlPath, ["--kubeconfig", c.kubeconfig, "port-forward", a, "18181:8080"], { reject: false });
    try {
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error("port-forward did not start")), 20_000);
        pf.stdout!.on("data", (d: Buffer) => { if (String(d).includes("Forwarding from")) { clearTimeout(t); res(); } });
      });
      expect((await c.sh("curl -s --max-time 5 http://127.0.0.1:18181/hostname")).trim()).toBe(a);
    } finally {
      pf.kill();
    }
    // From the pod on one worker, the Service answers with both pods (one of them on the other worker).
    const seen = new Set<string>();
    for (let k = 0; k < 20 && seen.size < 2; k++) seen.add((await c.kubectl("exec", b, "--", "wget", "-qO-", "http://agnhost/hostname")).trim());
    expect([...seen].sort()).toEqual([a, b].sort());
    // A NodePort from the lab host, on either worker.
    for (const w of [W1, W2]) expect([a, b]).toContain((await c.sh(`curl -s --max-time 5 http://${address[w]}:30080/hostname`)).trim());
    // DNS: the API's Service and this one by name (a short name through the pod's search path).
    expect(await c.kubectl("exec", b, "--", "nslookup", "kubernetes.default.svc.cluster.local")).toMatch(/Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1/);
    const svcIp = (await c.kubectl("get", "service", "agnhost", "-o", "jsonpath={.spec.clusterIP}")).trim();
    expect(await c.kubectl("exec", b, "--", "nslookup", "agnhost.default.svc.cluster.local")).toContain(`Address: ${svcIp}`);
  }, 240_000);

  it("security: anonymous requests reach health only; kubelet's API wants a cluster certificate; a node reads no Secret of another; etcd wants its certificates", async () => {
    const api = `https://${address[CP]}:6443`;
    expect(await c.sh(`curl -sk ${api}/readyz`)).toBe("ok");
    expect(await c.sh(`curl -sk ${api}/livez`)).toBe("ok");
    for (const path of ["/version", "/api/v1/namespaces/default/secrets", "/apis"]) {
      expect(await c.sh(`curl -sk -o /dev/null -w '%{http_code}' ${api}${path}`), path).toBe("401");
    }
    // kubelet: no client certificate, and one from a CA the cluster does not trust.
    const kubelet = `https://${address[W1]}:10250/pods`;
    expect(await c.sh(`curl -sk -o /dev/null -w '%{http_code}' ${kubelet}`)).toBe("401");
    const dir = mkdtempSync(join(tmpdir(), "dd-foreign-"));
    const now = new Date();
    const ca = await issueCa({ commonName: "foreign-ca", organization: [], algorithm: "ecdsa-p256", validityMs: 86_400_000, now });
    const leaf = await issueLeaf({ ca, commonName: "admin", organization: ["system:masters"], usages: ["client"], algorithm: "ecdsa-p256", validityMs: 86_400_000, now });
    writeFileSync(join(dir, "c.crt"), leaf.certPem);
    writeFileSync(join(dir, "c.key"), leaf.keyPem, { mode: 0o600 });
    expect(await c.sh(`curl -sk -o /dev/null -w '%{http_code}' --cert ${dir}/c.crt --key ${dir}/c.key ${kubelet}`)).toBe("401");
    expect(await c.sh(`curl -sk -o /dev/null -w '%{http_code}' --cert ${dir}/c.crt --key ${dir}/c.key ${api}/api/v1/namespaces`)).toBe("401");
    // worker-1's own credentials: its Node, yes; a Secret no pod of it uses, no.
    const nodeKubeconfig = join(dir, "node.kubeconfig");
    writeFileSync(nodeKubeconfig, await lxc("file", "pull", `${W1}/etc/kubernetes/kubelet.kubeconfig`, "-"), { mode: 0o600 });
    const asNode = (args: string) => execa(c.kubectlPath, ["--kubeconfig", nodeKubeconfig, ...args.split(" ")], { reject: false });
    expect((await asNode(`get node ${W1} -o name`)).stdout).toBe(`node/${W1}`);
    const denied = await asNode("get secret kthw -n default");
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain(`User "system:node:${W1}" cannot get resource "secrets"`);
    // etcd: without a client certificate the TLS handshake is refused; with the CA alone too.
    const etcd = await execa("curl", ["-sk", "--max-time", "5", `https://${address[CP]}:2379/version`], { reject: false });
    expect(etcd.exitCode).not.toBe(0);
    expect(etcd.stdout).not.toContain("etcdserver");
  }, 120_000);

  it("a second up reports no change and restarts nothing", async () => {
    const ids = await invocations([CP, W1, W2]);
    expect(Object.keys(ids)).toEqual(expect.arrayContaining([`${CP}/kube-apiserver`, `${CP}/etcd`, `${W1}/kubelet`, `${W2}/kube-proxy`]));
    const up = await c.p.ok("up", "--yes");
    expect(up.stdout).toContain("No changes");
    expect(restarted(ids, await invocations([CP, W1, W2]))).toEqual([]);
  }, 120_000);

  it("a worker added touches only the new host (the others' pod routes are updated, no component restarts); removed, it is drained and its Node deleted", async () => {
    const ids = await invocations([CP, W1, W2]);
    await c.p.ok("config", "set", "workers", "3");
    const preview = await c.p.ok("preview");
    expect(preview.stdout).toMatch(new RegExp(`drydock:kubernetes:Node\\s+${PREFIX}-${W3}\\s+create`));
    // Elsewhere only the pod routes change: no component's service.
    const services = preview.stdout.split("\n").filter((l) => /drydock:host:Service\s+\S+\s+(update|replace)/.test(l));
    expect(services.filter((l) => !l.includes("-pod-routes-service"))).toEqual([]);
    expect(preview.stdout).not.toMatch(/drydock:kubernetes:NodeRegistration\s+\S+\s+update/);
    await c.p.ok("up", "--yes");
    expect((await c.kubectl("get", "node", W3, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"))).toBe("True");
    expect(restarted(ids, await invocations([CP, W1, W2]))).toEqual([`${CP}/drydock-pod-routes`, `${W1}/drydock-pod-routes`, `${W2}/drydock-pod-routes`]);
    // A pod on the new node answers pods on the others.
    await c.kubectl("scale", "deployment/agnhost", "--replicas=3");
    await c.kubectl("rollout", "status", "deployment/agnhost", "--timeout=120s");
    const onW3 = (await c.kubectl("get", "pods", "-l", "app=agnhost", "--field-selector", `spec.nodeName=${W3}`, "-o", "jsonpath={.items[0].status.podIP}")).trim();
    expect(onW3).toMatch(/^10\.244\.2\.\d+$/);
    const fromW1 = (await c.kubectl("get", "pods", "-l", "app=agnhost", "--field-selector", `spec.nodeName=${W1}`, "-o", "jsonpath={.items[0].metadata.name}")).trim();
    expect((await c.kubectl("exec", fromW1, "--", "wget", "-qO-", `http://${onW3}:8080/hostname`)).trim()).toMatch(/^agnhost-/);

    const ids2 = await invocations([CP, W1, W2]);
    await c.p.ok("config", "set", "workers", "2");
    const down = await c.p.ok("up", "--yes");
    expect(down.stdout).toMatch(new RegExp(`NodeRegistration\\s+${PREFIX}-${W3}-registration\\s+deleted`));
    expect(await c.kubectl("get", "nodes", "-o", "name")).toBe(`node/${W1}\nnode/${W2}`);
    // Its pod went elsewhere.
    await c.kubectl("rollout", "status", "deployment/agnhost", "--timeout=120s");
    expect(await c.kubectl("get", "pods", "-l", "app=agnhost", "-o", "jsonpath={.items[*].spec.nodeName}")).not.toContain(W3);
    expect(restarted(ids2, await invocations([CP, W1, W2]))).toEqual([`${CP}/drydock-pod-routes`, `${W1}/drydock-pod-routes`, `${W2}/drydock-pod-routes`]);
  }, 600_000);

  it("every certificate re-issued (as when they come due): the services reading them restart one host at a time, and the cluster keeps working", async () => {
    const sum = (h: string, f: string) => on(h, `sha256sum ${f} | cut -c1-64`);
    const was = { apiserver: await sum(CP, "/etc/kubernetes/pki/apiserver.crt"), kubelet: await sum(W1, "/var/lib/kubelet/pki/kubelet.crt") };
    const ids = await invocations([CP, W1, W2]);
    // A new validity re-issues every leaf certificate, as their coming due does (pki.Certificate's
    // renewal window itself is tested under faketime in test/integration/pki.test.ts).
    await c.p.ok("config", "set", "certValidity", "366d");
    const preview = await c.p.ok("preview");
    expect(preview.stdout).toMatch(new RegExp(`drydock:pki:Certificate\\s+${PREFIX}-control-plane-${CP}-apiserver\\s+(update|replace)`));
    await c.p.ok("up", "--yes");
    expect(await sum(CP, "/etc/kubernetes/pki/apiserver.crt")).not.toBe(was.apiserver);
    expect(await sum(W1, "/var/lib/kubelet/pki/kubelet.crt")).not.toBe(was.kubelet);
    const now = await invocations([CP, W1, W2]);
    expect(restarted(ids, now)).toEqual(expect.arrayContaining([`${CP}/etcd`, `${CP}/kube-apiserver`, `${W1}/kubelet`, `${W2}/kubelet`, `${W1}/kube-proxy`, `${W2}/kube-proxy`]));
    // The workers one at a time: worker-2's kubelet restarted after worker-1's was Ready again.
    const since = (h: string) => on(h, 'date -d "$(systemctl show -p ActiveEnterTimestamp --value kubelet)" +%s.%N').then(Number);
    expect(await since(W2)).toBeGreaterThan(await since(W1));
    expect((await c.kubectl("get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}")).split(" ")).toEqual(["True", "True"]);
    expect((await c.p.ok("up", "--yes")).stdout).toContain("No changes");
  }, 600_000);

  it("the cluster taken off its hosts leaves each as it was before (files, units, mounts, links, routes, addresses, rules)", async () => {
    await c.p.ok("config", "set", "kubernetes", "false");
    await c.p.ok("up", "--yes");
    for (const h of [CP, W1, W2]) {
      const now = (await on(h, SNAPSHOT)).split("\n");
      const was = before[h]!.split("\n");
      expect({ left: now.filter((l) => !was.includes(l)), removed: was.filter((l) => !now.includes(l)) }, h).toEqual({ left: [], removed: [] });
    }
  }, 300_000);
});

const AGNHOST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: agnhost}
spec:
  replicas: 2
  selector: {matchLabels: {app: agnhost}}
  template:
    metadata: {labels: {app: agnhost}}
    spec:
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: agnhost}}}]
      containers:
      - {name: agnhost, image: "registry.k8s.io/e2e-test-images/agnhost:2.66.1", imagePullPolicy: Never, args: ["netexec", "--http-port=8080"], ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: agnhost}
spec:
  type: NodePort
  selector: {app: agnhost}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
`;
