import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { etcd } from "../../../sdk/index.js";
import { ensureCerts, certsDue } from "../../../installer/providers/etcd/certs.js";
import { bootstrapEnv, initialCluster, memberProblems, unitFor, type Inputs } from "../../../installer/providers/etcd/plan.js";

const PIN = `SHA256:${"A".repeat(43)}`;
const conn = (host: string, user = "root") => ({ host, port: 22, user, hostKeys: [PIN], agent: true });
const art = (name: string) => ({ name, version: "3.4.23", url: `file:///usr/bin/${name}`, sha256: "a".repeat(64) });

function inputs(members: { name: string; host: string; address?: string; user?: string }[], extra: Record<string, unknown> = {}): Inputs {
  const r = etcd.ClusterArgsSchema.safeParse({
    clusterName: "main", etcd: art("etcd"), etcdctl: art("etcdctl"),
    members: members.map((m) => ({ name: m.name, connection: conn(m.host, m.user), ...(m.address ? { address: m.address } : {}) })),
    ...extra,
  });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
}

describe("member rules", () => {
  it("refuses an even count unless allowed, saying why", () => {
    const i = inputs([{ name: "a", host: "10.0.0.1" }, { name: "b", host: "10.0.0.2" }]);
    expect(memberProblems(i)).toEqual([{ property: "members", reason: expect.stringMatching(/^2 members is an even count: it tolerates no more failures than 1 \(quorum 2\)/) }]);
    expect(memberProblems({ ...i, allowEvenMembers: true })).toEqual([]);
  });

  it("names the member that repeats a name, a machine or an address, and the one it repeats", () => {
    const p = memberProblems(inputs([
      { name: "a", host: "10.0.0.1" }, { name: "a", host: "10.0.0.2" }, { name: "c", host: "10.0.0.1" },
    ]));
    expect(p).toContainEqual({ property: "members[1].name", reason: 'name "a" is also members[0]\'s' });
    expect(p).toContainEqual({ property: "members[2].host", reason: "host root@10.0.0.1:22 is also members[0]'s" });
    expect(p).toContainEqual({ property: "members[2].address", reason: "address 10.0.0.1 is also members[0]'s" });
  });

  it("needs an address when the host is a name, not an IP", () => {
    const p = memberProblems(inputs([{ name: "a", host: "node-a.example" }]));
    expect(p).toEqual([{ property: "members[0].address", reason: expect.stringContaining('the host "node-a.example" is not an IP address') }]);
    expect(memberProblems(inputs([{ name: "a", host: "node-a.example", address: "10.0.0.9" }]))).toEqual([]);
  });
});

describe("rendered files", () => {
  const i = inputs([{ name: "a", host: "10.0.0.1" }, { name: "b", host: "10.0.0.2" }, { name: "c", host: "fd00::3" }], { settings: { heartbeatInterval: 200, electionTimeout: 2000 } });

  it("the unit listens on the member's address and loopback, with client-certificate auth on both ports", () => {
    const unit = unitFor(i.members[0]!, i);
    expect(unit).not.toMatch(/\{\{/);
    expect(unit).toContain("--listen-client-urls=https://10.0.0.1:2379,https://127.0.0.1:2379");
    expect(unit).toContain("--initial-advertise-peer-urls=https://10.0.0.1:2380");
    expect(unit).toContain("--client-cert-auth=true");
    expect(unit).toContain("--peer-client-cert-auth=true");
    expect(unit).toContain("--heartbeat-interval=200");
    expect(unit).toContain("--election-timeout=2000");
    expect(unitFor(i.members[2]!, i)).toContain("--advertise-client-urls=https://[fd00::3]:2379");
  });

  it("the initial cluster lists every member's peer URL; bootstrap.env carries it and the state", () => {
    const cluster = initialCluster(i.members, i);
    expect(cluster).toBe("a=https://10.0.0.1:2380,b=https://10.0.0.2:2380,c=https://[fd00::3]:2380");
    const env = bootstrapEnv(i.members[1]!, i, cluster, "existing");
    expect(env).toContain(`ETCD_INITIAL_CLUSTER=${cluster}`);
    expect(env).toContain("ETCD_INITIAL_CLUSTER_STATE=existing");
    expect(env).toContain("ETCD_INITIAL_CLUSTER_TOKEN=main");
  });
});

describe("member certificates", () => {
  const i = inputs([{ name: "a", host: "10.0.0.1" }, { name: "b", host: "10.0.0.2" }, { name: "c", host: "10.0.0.3" }]);
  const now = new Date("2026-01-01T00:00:00Z");

  it("server certificates carry the name, the address and loopback; peer ones the name and the address", async () => {
    const c = await ensureCerts(i, undefined, i.members, now);
    const server = new X509Certificate(c.members.a!.server.certPem);
    expect(server.subjectAltName).toBe("DNS:a, DNS:localhost, IP Address:10.0.0.1, IP Address:127.0.0.1");
    expect(new X509Certificate(c.members.a!.peer.certPem).subjectAltName).toBe("DNS:a, IP Address:10.0.0.1");
    expect(server.checkIssued(new X509Certificate(c.ca.certPem))).toBe(true);
    expect(c.ownCa).toBe(true);
  });

  it("keeps certificates across runs, re-issues a moved member's, and renews within certRenewBefore", async () => {
    const first = await ensureCerts(i, undefined, i.members, now);
    const again = await ensureCerts(i, first, i.members, now);
    expect(again).toEqual(first);
    const moved = inputs([{ name: "a", host: "10.0.0.1" }, { name: "b", host: "10.0.0.22" }, { name: "c", host: "10.0.0.3" }]);
    const m = await ensureCerts(moved, first, moved.members, now);
    expect(m.members.a).toEqual(first.members.a);
    expect(m.members.b!.server.certPem).not.toBe(first.members.b!.server.certPem);
    expect(new X509Certificate(m.members.b!.peer.certPem).subjectAltName).toContain("10.0.0.22");

    const later = new Date(now.getTime() + 340 * 864e5);
    expect(certsDue(first, i, now)).toBeUndefined();
    expect(certsDue(first, i, later)).toMatch(/^renewal of client, a server, a peer, b server/);
    const renewed = await ensureCerts(i, first, i.members, later);
    expect(renewed.ca).toEqual(first.ca);
    expect(Date.parse(renewed.client.notAfter)).toBeGreaterThan(Date.parse(first.client.notAfter));
  });
});
