/** etcd.Cluster's read: gone only when every member machine answered; the members are those etcd lists. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { etcd, type ProviderContext } from "../../../sdk/index.js";
import { clusterProvider } from "../../../installer/providers/etcd/cluster.js";
import { systemClock } from "../../../installer/providers/pki/deps.js";
import { HOST_KEY, fakeHosts, type Behaviour, type World } from "./fake-host.js";

const logs: string[] = [];
const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:test", log: (m) => logs.push(m) };
const tmp = mkdtempSync(join(tmpdir(), "dd-etcd-read-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const artifact = { name: "etcd", version: "3.5.17", url: "file:///nonexistent/etcd", sha256: "0".repeat(64) };
const member = (n: number) => ({ name: `m${n}`, connection: { host: `10.9.9.${n}`, port: 22, user: "ops", privateKeyPath: "/k", hostKeys: [HOST_KEY] } });
const inputsWith = (...ns: number[]) => etcd.ClusterArgsSchema.parse({
  clusterName: "main", etcd: artifact, etcdctl: artifact, dataDir: "/var/lib/etcd", members: ns.map(member),
});

/** Member machines: `present` have etcd's unit (in a folder of their own), `list` is what etcdctl member list prints. */
function world(present: number[], list: string[]): World {
  for (const n of present) {
    mkdirSync(join(tmp, `ops@10.9.9.${n}`), { recursive: true });
    writeFileSync(join(tmp, `ops@10.9.9.${n}`, "etcd.service"), "[Unit]\n");
  }
  return {
    shell: (host, cmd) => cmd.replaceAll("/etc/systemd/system/etcd.service", join(tmp, host, "etcd.service")).replaceAll("/var/lib/etcd", join(tmp, host, "data")),
    exec: (_host, cmd) => (/etcdctl member list/.test(cmd) ? { code: 0, stdout: `${list.join("\n")}\n`, stderr: "" } : undefined),
  };
}

interface Read {
  readonly inputs: etcd.ClusterInputs;
  readonly props: { members: etcd.MemberInputs[]; endpoints: string[]; memberIds: Record<string, string> };
}

async function read(how: (host: string) => Behaviour, w: World, inputs: etcd.ClusterInputs, props: Record<string, unknown> = inputs): Promise<Read | undefined> {
  const hosts = fakeHosts(how, w);
  try {
    return (await clusterProvider(hosts.connect, systemClock).read!("main", props as never, inputs, ctx)) as Read | undefined;
  } finally {
    hosts.close();
  }
}

const line = (id: string, n: number, name = `m${n}`) => `${id}, started, ${name}, https://10.9.9.${n}:2380, https://10.9.9.${n}:2379, false`;

describe("etcd.Cluster read", () => {
  it("is an error naming the machine when one member cannot be asked, even if the others have no etcd", async () => {
    const w = world([], []);
    const down = (h: string): Behaviour => (h === "ops@10.9.9.2" ? "refused" : "answers");
    await expect(read(down, w, inputsWith(1, 2, 3))).rejects.toThrow(/cannot read 1 of 3 member machines; it is kept as it was:\nops@10\.9\.9\.2: cannot connect/);
    const noSudo = (h: string): Behaviour => (h === "ops@10.9.9.3" ? "sudo" : "answers");
    await expect(read(noSudo, w, inputsWith(1, 2, 3))).rejects.toThrow(/ops@10\.9\.9\.3: member m3: cannot tell whether etcd is there \(exit 1\)/);
  });

  it("is gone when every member machine answered that it has no etcd", async () => {
    await expect(read(() => "answers", world([], []), inputsWith(4, 5, 6))).resolves.toBeUndefined();
  });

  it("reports the members etcd lists: one that an interrupted change left in, not one that left", async () => {
    // State recorded m7, m8, m9; the program now asks for m7, m8 (m9's removal was interrupted before it happened).
    const w = world([7, 8, 9], [line("a1", 7), line("b2", 8), line("c3", 9)]);
    const r = await read(() => "answers", w, inputsWith(7, 8), inputsWith(7, 8, 9));
    expect(r!.inputs.members.map((m) => m.name)).toEqual(["m7", "m8", "m9"]);
    expect(r!.props.members.map((m) => m.name)).toEqual(["m7", "m8", "m9"]);
    expect(r!.props.endpoints).toEqual(["https://10.9.9.7:2379", "https://10.9.9.8:2379", "https://10.9.9.9:2379"]);
    expect(r!.props.memberIds).toEqual({ m7: "a1", m8: "b2", m9: "c3" });
  });

  it("drops a member etcd no longer lists, knows a member not started yet by its peer URL, and names one it does not know", async () => {
    logs.length = 0;
    const w = world([10, 11, 12], [line("d4", 10), `e5, unstarted, , https://10.9.9.12:2380, , false`, line("f6", 99, "stranger")]);
    const r = await read(() => "answers", w, inputsWith(10, 11, 12));
    expect(r!.inputs.members.map((m) => m.name)).toEqual(["m10", "m12"]);
    expect(r!.props.memberIds).toEqual({ m10: "d4", m12: "e5", stranger: "f6" });
    expect(logs.join("\n")).toMatch(/etcd lists a member drydock does not know: stranger f6 at https:\/\/10\.9\.9\.99:2380/);
  });

  it("knows a member that moved (same name, new machine) by its peer URL, and keeps only where it is now", async () => {
    const moved = { ...member(16), name: "m15" };
    const inputs = { ...inputsWith(15), members: [moved] };
    const w = world([15, 16], [line("h8", 16, "m15")]);
    const r = await read(() => "answers", w, inputs, inputsWith(15));
    expect(r!.inputs.members).toEqual([moved]);
    expect(r!.props.memberIds).toEqual({ m15: "h8" });
  });

  it("is an error, not an empty cluster, when etcd lists none of the members drydock knows", async () => {
    const w = world([14], [line("g7", 98, "other")]);
    await expect(read(() => "answers", w, inputsWith(14))).rejects.toThrow(/etcd cluster "main": etcd on m14 lists none of the members drydock knows \(other\); it is kept as it was/);
  });

  it("is an error when no machine that has etcd gives its member list", async () => {
    const w: World = { ...world([13], []), exec: (_h, cmd) => (/etcdctl member list/.test(cmd) ? { code: 1, stdout: "", stderr: "context deadline exceeded" } : undefined) };
    await expect(read(() => "answers", w, inputsWith(13))).rejects.toThrow(/etcd cluster "main": cannot read the member list .*\nops@10\.9\.9\.13: etcdctl member list failed: context deadline exceeded/);
  });
});
