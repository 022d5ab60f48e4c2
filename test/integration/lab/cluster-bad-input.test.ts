/**
 * A cluster's bad declaration is refused by `preview` and `up` with exit 2, naming the field and
 * the value, before anything is touched: no LXD object of the example is made.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { lxcNames, sweep } from "./env.js";
import { describeKube } from "./kube-env.js";
import { clusterProject, type ClusterLab } from "./cluster-env.js";

const PREFIX = "dd-kbad";

describeKube("a bad cluster declaration (examples/cluster)", (lab, kube) => {
  let c: ClusterLab;
  beforeAll(async () => {
    await sweep(PREFIX);
    c = await clusterProject(lab, kube, { prefix: PREFIX, subnet: "10.249.0.1/24" });
  }, 60_000);
  afterAll(async () => {
    await sweep(PREFIX);
    c?.p.cleanup();
  });

  const refused = async (config: Record<string, string>, message: string) => {
    for (const [k, v] of Object.entries(config)) await c.p.ok("config", "set", "--", k, v);
    for (const command of [["preview"], ["up", "--yes"]]) {
      const r = await c.p.run(...command);
      expect(r.exitCode, `${command[0]}: ${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect([...await lxcNames("list", PREFIX), ...await lxcNames("network list", PREFIX), ...await lxcNames("profile list", PREFIX)]).toEqual([]);
    for (const k of Object.keys(config)) await c.p.ok("config", "rm", k);
  };

  it("an even number of stacked etcd members", async () => {
    await refused({ controlPlanes: "2" }, "✖ 2 control-plane hosts make 2 stacked etcd members, an even count: it tolerates no more failures than 1 (quorum 2); use an odd count, or set allowEvenMembers → at dd-kbad-spec.controlPlane");
  }, 120_000);

  it("pod and service subnets that overlap, and the hosts' network inside the pod subnet", async () => {
    await refused({ serviceSubnet: "10.244.0.0/20" }, "✖ 10.244.0.0/20 overlaps podSubnet 10.244.0.0/16 → at dd-kbad-spec.serviceSubnet");
    await refused({ podSubnet: "10.249.0.0/16" }, "✖ the hosts' network 10.249.0.0/24 overlaps podSubnet 10.249.0.0/16: hosts, pods and services need subnets apart → at dd-kbad-spec.hostNetworks[0]");
  }, 240_000);

  it("an unknown API server flag, with the closest one", async () => {
    await refused({ apiServerFlags: JSON.stringify({ "audit-log-max-age": "3" }) },
      "✖ kube-apiserver v1.37 has no flag --audit-log-max-age (did you mean --audit-log-maxage?) → at dd-kbad-spec.apiServer.flags.audit-log-max-age");
  }, 120_000);
});

it("a host listed twice, and a release without the images the cluster needs, are refused together (exit 2, no host contacted)", async () => {
  const p = new TempProject("bad-cluster");
  try {
    // Loopback addresses: a check that failed to stop the run would find nothing there.
    p.program(`import { kubernetes } from "drydock";
const conn = (host: string) => ({ host, port: 22, user: "root", privateKeyPath: "/nonexistent", hostKeys: ["SHA256:hltDr1Zg1Xrvu0cl2juYj6Vz3GVggBN62PYbVSjEJRI"] });
const release = new kubernetes.Release("release", { version: "v1.37.2" });
new kubernetes.Cluster("bad", {
  release,
  controlPlane: [{ name: "cp-1", host: conn("127.0.0.11") }],
  workers: [{ name: "w-1", host: conn("127.0.0.21") }, { name: "w-1", host: conn("127.0.0.22") }],
});
`);
    await p.ok("stack", "init", "dev");
    const r = await p.run("up", "--yes");
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('✖ "w-1" is listed twice (also workers[0]); a host that is both a control-plane host and a worker is listed once in each → at bad-spec.workers[1].name');
    expect(r.stderr).toContain('✖ the cluster needs the image "coredns", and the release has none (give it a mirror with images) → at bad-spec.release.images');
    expect(r.stdout).not.toMatch(/created|creating/);
  } finally {
    p.cleanup();
  }
}, 120_000);
