/** Pure facts about an etcd cluster: member addresses and URLs, the rules a member list must obey, unit contents. */
import { isIPv4, isIPv6 } from "../../../sdk/net.js";
import { renderTemplate } from "../../render/template.js";
import { isUnknown, machineOf, type etcd } from "./deps.js";

export type Inputs = etcd.ClusterInputs;
export type Member = etcd.MemberInputs;

/** The member's address: given, else its connection's host when that is an IP. */
export function addressOf(m: Member): string | undefined {
  if (m.address) return m.address;
  const h = m.connection.host;
  return isIPv4(h) || isIPv6(h) ? h : undefined;
}

export function address(m: Member): string {
  const a = addressOf(m);
  if (!a) throw new Error(`member ${m.name}: no address`);
  return a;
}

const bracket = (a: string): string => (a.includes(":") ? `[${a}]` : a);

export const peerUrl = (m: Member, i: Inputs): string => `https://${bracket(address(m))}:${i.peerPort}`;
export const clientUrl = (m: Member, i: Inputs): string => `https://${bracket(address(m))}:${i.clientPort}`;

/** name=peerURL,… as etcd's --initial-cluster wants it. */
export function initialCluster(members: readonly Member[], i: Inputs): string {
  return members.map((m) => `${m.name}=${peerUrl(m, i)}`).join(",");
}

export interface Problem {
  readonly property: string;
  readonly reason: string;
}

/** What is wrong with a member list: even count, repeated names, hosts or addresses, no address. */
export function memberProblems(i: Inputs): Problem[] {
  const out: Problem[] = [];
  const n = i.members.length;
  if (n % 2 === 0 && !i.allowEvenMembers) {
    out.push({
      property: "members",
      reason: `${n} members is an even count: it tolerates no more failures than ${n - 1} (quorum ${Math.floor(n / 2) + 1}); use an odd count, or set allowEvenMembers`,
    });
  }
  const seen = { name: new Map<string, number>(), host: new Map<string, number>(), address: new Map<string, number>() };
  i.members.forEach((m, k) => {
    if (isUnknown(m) || isUnknown(m.name)) return;
    const clash = (kind: keyof typeof seen, key: string, what: string, prop: string) => {
      const j = seen[kind].get(key);
      if (j !== undefined) out.push({ property: `members[${k}].${prop}`, reason: `${what} is also members[${j}]'s` });
      else seen[kind].set(key, k);
    };
    clash("name", m.name, `name "${m.name}"`, "name");
    if (!isUnknown(m.connection) && !containsUnknown(m.connection)) clash("host", machineOf(m.connection), `host ${machineOf(m.connection)}`, "host");
    if (m.address !== undefined && isUnknown(m.address)) return;
    if (!isUnknown(m.connection) && !isUnknown(m.connection.host)) {
      const a = addressOf(m);
      if (!a) out.push({ property: `members[${k}].address`, reason: `needed: the host "${m.connection.host}" is not an IP address (peers and certificates need one)` });
      else clash("address", a, `address ${a}`, "address");
    }
  });
  return out;
}

function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** The systemd unit of one member. */
export function unitFor(m: Member, i: Inputs): string {
  const a = address(m);
  return renderTemplate("etcd/etcd.service", {
    name: m.name, clusterName: i.clusterName, dataDir: i.dataDir,
    listenAddress: bracket(a), urlAddress: bracket(a), clientPort: i.clientPort, peerPort: i.peerPort,
    ...i.settings,
  });
}

export function bootstrapEnv(m: Member, i: Inputs, cluster: string, state: "new" | "existing"): string {
  return renderTemplate("etcd/bootstrap.env", { name: m.name, clusterName: i.clusterName, initialCluster: cluster, initialClusterState: state });
}

export function etcdctlEnv(i: Inputs): string {
  return renderTemplate("etcd/etcdctl.env", { clientPort: i.clientPort });
}
