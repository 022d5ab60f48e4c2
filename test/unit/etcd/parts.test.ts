import { describe, expect, it } from "vitest";
import { bootstrapProvider, type BootstrapOutputs } from "../../../installer/providers/etcd/bootstrap.js";
import { founderId, memberProvider } from "../../../installer/providers/etcd/member.js";
import { voterProvider } from "../../../installer/providers/etcd/voter.js";
import { FakeTransport } from "../../../installer/transport/fake.js";
import type { Connection } from "../../../sdk/ssh/connection.js";

const conn = (n: number): Connection => ({ host: `10.0.0.${n}`, port: 22, user: "root", agent: "/tmp/agent.sock", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] });
const member = (n: number) => ({ name: `m${n}`, connection: conn(n), address: `10.0.0.${n}`, peerUrl: `https://10.0.0.${n}:2380` });
const ctx = (log: string[] = []) => ({ signal: new AbortController().signal, urn: "urn:x", log: (m: string) => void log.push(m) });
const noHosts = () => { throw new Error("no host is contacted"); };

describe("etcd member ids", () => {
  it("derives a founder's id as etcd does (checked against a real 3.4 cluster's member list)", () => {
    expect(founderId(["https://10.220.0.143:2380"], "etcdex")).toBe("41a5cfc38e7375cf");
  });
});

describe("etcd.Bootstrap", () => {
  const p = bootstrapProvider(noHosts);
  const inputs = async (members: ReturnType<typeof member>[], extra: Record<string, unknown> = {}) => {
    const r = await p.check!(undefined, { clusterName: "main", members, ...extra });
    if (!r.inputs) throw new Error(JSON.stringify(r.failures));
    return r.inputs;
  };

  it("refuses an even count and a machine twice, naming each member", async () => {
    const r = await p.check!(undefined, { clusterName: "main", members: [member(1), { ...member(2), connection: conn(1) }] });
    expect(r.failures).toEqual([
      expect.objectContaining({ property: "members", reason: expect.stringContaining("2 members is an even count") }),
      { property: "members[1].host", reason: "host root@10.0.0.1:22 is also members[0]'s" },
    ]);
  });

  it("keeps the founders a cluster was made with: a member added later joins, a founder removed stops being one", async () => {
    const i3 = await inputs([member(1), member(2), member(3)]);
    const made = (await p.create(i3, ctx())).outs as BootstrapOutputs;
    expect(made.founders).toEqual(["m1@10.0.0.1", "m2@10.0.0.2", "m3@10.0.0.3"]);
    expect(made.initialCluster).toBe("m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380,m3=https://10.0.0.3:2380");
    const i5 = await inputs([member(1), member(2), member(3), member(4), member(5)]);
    const five = (await p.update!("main", made, i5, ctx(), i3)).outs as BootstrapOutputs;
    expect(five.founders).toEqual(made.founders);
    const i3b = await inputs([member(2), member(4), member(5)]);
    expect(((await p.update!("main", five, i3b, ctx(), i5)).outs as BootstrapOutputs).founders).toEqual(["m2@10.0.0.2"]);
  });

  it("refuses a new clusterName or dataDir (a new, empty cluster) in words, before anything happens", async () => {
    const i = await inputs([member(1)]);
    const made = (await p.create(i, ctx())).outs as BootstrapOutputs;
    await expect(p.diff!("main", made, { ...i, clusterName: "other" }, i)).rejects.toThrow(/changing clusterName \("main" → "other"\) would make a new, empty cluster/);
  });
});

describe("etcd.Member", () => {
  const base = { clusterName: "main", name: "m4", connection: conn(4), address: "10.0.0.4", peerPort: 2380, clientPort: 2379, dataDir: "/var/lib/etcd", initialCluster: "m1=https://10.0.0.1:2380", healthTimeout: 5 };
  const host = () => new FakeTransport()
    .on(/command -v systemctl/, { code: 0 })
    .on(/created=no/, { code: 0 });

  it("a founder writes the founders' bootstrap settings and knows its id without asking etcd", async () => {
    const t = host();
    const p = memberProvider(() => t);
    const outs = (await p.create({ ...base, founder: true, peers: [] }, ctx())).outs!;
    expect(outs).toMatchObject({ initialState: "new", learner: false, memberId: founderId(["https://10.0.0.4:2380"], "main") });
    expect(t.files.get("/etc/etcd/bootstrap.env")!.content.toString()).toContain("ETCD_INITIAL_CLUSTER=m1=https://10.0.0.1:2380\nETCD_INITIAL_CLUSTER_STATE=new");
  });

  it("a later member is added as a learner from a member that answers, and an earlier run's add is not repeated", async () => {
    const anchor = new FakeTransport("root@10.0.0.1");
    let listed = "8e9e05c52164694d, started, m1, https://10.0.0.1:2380, https://10.0.0.1:2379, false\n";
    anchor.on(/member list/, () => ({ stdout: listed }))
      .on(/member add m4 --learner/, () => {
        listed += "c0ffee, unstarted, , https://10.0.0.4:2380, , true\n";
        return { stdout: 'Member           c0ffee added to cluster\n\nETCD_NAME="m4"\nETCD_INITIAL_CLUSTER="m1=https://10.0.0.1:2380,m4=https://10.0.0.4:2380"\nETCD_INITIAL_CLUSTER_STATE="existing"\n' };
      });
    const dead = new FakeTransport("root@10.0.0.2");
    dead.down = new Error("connect ECONNREFUSED");
    const t = host();
    const p = memberProvider((c) => (c.host === "10.0.0.1" ? anchor : c.host === "10.0.0.2" ? dead : t));
    const i = { ...base, founder: false, peers: [{ name: "m2", connection: conn(2) }, { name: "m1", connection: conn(1) }] };
    const outs = (await p.create(i, ctx())).outs!;
    expect(outs).toMatchObject({ initialState: "existing", learner: true, memberId: "c0ffee" });
    expect(t.files.get("/etc/etcd/bootstrap.env")!.content.toString()).toContain("ETCD_INITIAL_CLUSTER=m1=https://10.0.0.1:2380,m4=https://10.0.0.4:2380\nETCD_INITIAL_CLUSTER_STATE=existing");
    // A second run (the first failed after the add): no second `member add`.
    const log: string[] = [];
    await p.create(i, ctx(log));
    expect(anchor.calls.filter((c) => c.target.includes("member add"))).toHaveLength(1);
    expect(log.join("\n")).toContain("was added by an earlier run");
  });
});

describe("etcd.Voter", () => {
  it("promotes a learner once etcd says it caught up, retrying while it has not", async () => {
    let tries = 0;
    const t = new FakeTransport()
      .on(/member list/, { stdout: "c0ffee, started, m4, https://10.0.0.4:2380, https://10.0.0.4:2379, true\n" })
      .on(/member promote c0ffee/, () => (++tries < 3 ? { code: 1, stderr: "Error: etcdserver: can only promote a learner member which is in sync with leader" } : { stdout: "Member c0ffee promoted" }));
    const p = voterProvider(() => t);
    const i = { clusterName: "main", name: "m4", connection: conn(4), peerUrl: "https://10.0.0.4:2380", memberId: "c0ffee", learner: true, peers: [{ name: "m4", connection: conn(4) }], endpoints: [], healthTimeout: 5 };
    const outs = (await p.create(i, ctx())).outs!;
    expect(tries).toBe(3);
    expect(outs.memberId).toBe("c0ffee");
  });

  it("leaving removes the member from another member first, then stops its etcd, then waits for the rest healthy", async () => {
    const order: string[] = [];
    const own = new FakeTransport("root@10.0.0.3").on(/systemctl stop etcd/, () => (order.push("stop"), {}));
    const other = new FakeTransport("root@10.0.0.1")
      .on(/member list/, { stdout: "aa, started, m1, https://10.0.0.1:2380, https://10.0.0.1:2379, false\nbb, started, m3, https://10.0.0.3:2380, https://10.0.0.3:2379, false\n" })
      .on(/member remove bb/, () => (order.push("remove"), {}))
      .on(/endpoint health/, (cmd) => (order.push(`health ${/ETCDCTL_ENDPOINTS=(\S+)/.exec(cmd)?.[1]}`), {}));
    const p = voterProvider((c) => (c.host === "10.0.0.3" ? own : other));
    await p.delete!("main/m3", { clusterName: "main", name: "m3", connection: conn(3), peerUrl: "https://10.0.0.3:2380", memberId: "bb", learner: false, peers: [{ name: "m1", connection: conn(1) }, { name: "m3", connection: conn(3) }], endpoints: [], healthTimeout: 5 }, ctx());
    expect(order).toEqual(["remove", "stop", "health https://10.0.0.1:2379"]);
  });
});
