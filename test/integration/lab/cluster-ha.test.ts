/**
 * examples/cluster with 3 control-plane hosts (stacked etcd, a virtual API address kept by
 * keepalived) and 2 workers, on the lab: the endpoint survives losing any one control-plane
 * instance (the whole container stopped) and the nodes stay Ready; started again, it rejoins.
 * A component's settings changed restart that component one host at a time, each after the one
 * before answered /readyz, and nothing else.
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lxc, sweep } from "./env.js";
import { describeKube } from "./kube-env.js";
import { clusterProject, invocations, restarted, type ClusterLab } from "./cluster-env.js";

const PREFIX = "dd-kh";
const CPS = [1, 2, 3].map((k) => `${PREFIX}-cp-${k}`);
const WORKERS = [1, 2].map((k) => `${PREFIX}-worker-${k}`);
const VIP = "10.247.0.250";
const on = (host: string, script: string) => lxc("exec", host, "--", "bash", "-c", script);
const holder = async (): Promise<string> => {
  for (const h of CPS) if ((await on(h, "ip -4 -o addr show eth0").catch(() => "")).includes(`${VIP}/32`)) return h;
  return "";
};
const started = (h: string, unit: string) => on(h, `date -d "$(systemctl show -p ActiveEnterTimestamp --value ${unit})" +%s.%N`).then(Number);

describeKube("an HA Kubernetes cluster (examples/cluster: 3 control planes, 2 workers) on the lab", (lab, kube) => {
  let c: ClusterLab;

  beforeAll(async () => {
    await sweep(PREFIX);
    c = await clusterProject(lab, kube, { prefix: PREFIX, subnet: "10.247.0.1/24", controlPlanes: "3", workers: "2" });
    await c.p.ok("up", "--yes");
    await c.refreshKubeconfig();
  }, 600_000);

  afterAll(async () => {
    await c?.p.run("destroy", "--yes");
    await sweep(PREFIX);
    c?.p.cleanup();
  }, 240_000);

  it("every API server is ready, the admin kubeconfig uses the virtual address, one host holds it", async () => {
    expect(await c.kubectl("config", "view", "-o", "jsonpath={.clusters[0].cluster.server}")).toBe(`https://${VIP}:6443`);
    for (const h of CPS) expect(await on(h, "kubectl --kubeconfig=/etc/kubernetes/admin.kubeconfig get --raw=/readyz"), h).toBe("ok");
    expect(CPS).toContain(await holder());
    expect((await c.kubectl("get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}")).split(" ")).toEqual(["True", "True"]);
    expect(await on(CPS[0]!, "set -a; . /etc/etcd/etcdctl.env; etcdctl member list | wc -l")).toBe("3");
  }, 60_000);

  it("with the address's control-plane instance stopped, kubectl through the endpoint works and the nodes stay Ready; started again, it rejoins", async () => {
    const lost = await holder();
    await lxc("stop", "--force", lost);
    try {
      const t0 = Date.now();
      let ok = false;
      while (!ok && Date.now() - t0 < 30_000) ok = await c.kubectl("get", "--raw", "/readyz").then((r) => r === "ok", () => false);
      expect(ok).toBe(true);
      console.log(`the API answered through ${VIP} ${((Date.now() - t0) / 1000).toFixed(1)} s after ${lost} stopped`);
      expect(await holder()).not.toBe(lost);
      // Past the node monitor's grace period (40 s): kubelets kept reporting through the endpoint.
      await new Promise((r) => setTimeout(r, 50_000));
      expect((await c.kubectl("get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}")).split(" ")).toEqual(["True", "True"]);
      await c.kubectl("create", "configmap", "written-without-one", "--from-literal=k=v");
    } finally {
      await lxc("start", lost);
    }
    let back = "";
    for (let k = 0; k < 120 && back !== "ok"; k++) {
      back = await on(lost, "sh /etc/etcd/member-ready.sh >/dev/null && kubectl --kubeconfig=/etc/kubernetes/admin.kubeconfig get --raw=/readyz").catch(() => "");
      if (back !== "ok") await new Promise((r) => setTimeout(r, 1000));
    }
    expect(back).toBe("ok");
    // It serves what was written while it was away.
    expect(await on(lost, "kubectl --kubeconfig=/etc/kubernetes/admin.kubeconfig get configmap written-without-one -o jsonpath={.data.k}")).toBe("v");
  }, 300_000);

  it("an API server flag changed: kube-apiserver restarts one host at a time, each after the one before is ready, and nothing else restarts", async () => {
    const hosts = [...CPS, ...WORKERS];
    const ids = await invocations(hosts);
    const before = await Promise.all(CPS.map((h) => started(h, "kube-apiserver")));
    await c.p.ok("config", "set", "apiServerFlags", JSON.stringify({ "audit-log-maxage": "8" }));
    const preview = await c.p.ok("preview");
    const changing = preview.stdout.split("\n").filter((l) => /^\s*~/.test(l)).map((l) => l.trim().split(/\s+/)[2]).sort();
    expect(changing).toEqual(CPS.map((h) => `${PREFIX}-control-plane-${h}-kube-apiserver`).concat(CPS.map((h) => `${PREFIX}-control-plane-${h}-ready`), [`${PREFIX}-control-plane-endpoint-ready`, `${PREFIX}-spec`]).sort());
    await c.p.ok("up", "--yes");
    expect(restarted(ids, await invocations(hosts))).toEqual(CPS.map((h) => `${h}/kube-apiserver`).sort());
    const after = await Promise.all(CPS.map((h) => started(h, "kube-apiserver")));
    after.forEach((t, k) => expect(t, CPS[k]).toBeGreaterThan(before[k]!));
    // In order, each at least a second after the previous (its /readyz gate passed in between).
    expect(after[1]! - after[0]!).toBeGreaterThan(1);
    expect(after[2]! - after[1]!).toBeGreaterThan(1);
    for (const h of CPS) expect(await on(h, "systemctl show -p ExecStart --value kube-apiserver"), h).toContain("--audit-log-maxage=8");
  }, 300_000);

  it("a control-plane host removed, then added again: etcd keeps quorum, the virtual address's peers follow, the API answers throughout", async () => {
    const etcdMembers = (h: string) => on(h, "set -a; . /etc/etcd/etcdctl.env; etcdctl member list -w simple | awk -F', ' '{print $3 \" \" $5}' | sort");
    await c.p.ok("config", "set", "allowEvenMembers", "true");
    await c.p.ok("config", "set", "controlPlanes", "2");
    const down = await c.p.ok("up", "--yes");
    expect(down.stdout).toMatch(new RegExp(`drydock:etcd:Voter\\s+${PREFIX}-etcd-${CPS[2]}-voter\\s+deleted`));
    expect((await etcdMembers(CPS[0]!)).split("\n").map((l) => l.split(" ")[0])).toEqual([CPS[0], CPS[1]]);
    // keepalived's unicast peers: only the other remaining host.
    expect(await on(CPS[0]!, "grep -cE '^    10\\.[0-9.]+$' /etc/kubernetes/keepalived.conf")).toBe("1");
    expect(await c.kubectl("get", "--raw", "/readyz")).toBe("ok");
    expect([CPS[0], CPS[1]]).toContain(await holder());

    await c.p.ok("config", "set", "controlPlanes", "3");
    await c.p.ok("up", "--yes");
    expect((await etcdMembers(CPS[0]!)).split("\n").map((l) => l.split(" ")[0])).toEqual(CPS);
    for (const h of CPS) expect(await on(h, "kubectl --kubeconfig=/etc/kubernetes/admin.kubeconfig get --raw=/readyz"), h).toBe("ok");
    // The new host's serving certificate carries its address and the endpoint.
    const cert = new X509Certificate(await lxc("file", "pull", `${CPS[2]}/etc/kubernetes/pki/apiserver.crt`, "-"));
    const own = (await on(CPS[2]!, "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1 | head -n1")).trim();
    expect(cert.subjectAltName).toContain(`IP Address:${VIP}`);
    expect(cert.subjectAltName).toContain(`IP Address:${own}`);
    expect((await c.p.ok("up", "--yes")).stdout).toContain("No changes");
  }, 600_000);
});
