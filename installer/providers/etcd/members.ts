/** Membership as etcd sees it, and changing it one member at a time with health checked in between. */
import type { Transport } from "../../transport/types.js";
import { run, shellQuote } from "../../transport/types.js";
import type { ClusterCerts } from "./certs.js";
import { waitHealthy, type WaitOptions } from "./health.js";
import { peerUrl, type Inputs, type Member } from "./plan.js";
import { etcdctl, install, preflight, restart, start, wipe, type Binaries } from "./remote.js";

export interface Listed {
  readonly id: string;
  readonly name: string;
  readonly peerUrls: string;
}

/** `member list` from the anchor: hex ids, names ("" while a member has not started). */
export async function memberList(anchor: Transport): Promise<Listed[]> {
  const r = await etcdctl(anchor, "member list -w simple");
  if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl member list failed: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return r.stdout.trim().split("\n").filter(Boolean).map((l) => {
    const [id = "", , name = "", peerUrls = ""] = l.split(", ");
    return { id: id.trim(), name, peerUrls };
  });
}

export interface Ops extends Omit<WaitOptions, "step"> {
  readonly inputs: Inputs;
  readonly certs: ClusterCerts;
  readonly bins: Binaries;
}

/** Adds one member: preflight, `member add`, install with the existing cluster, start, wait. Undone if it never becomes healthy. */
export async function addMember(anchor: Transport, current: readonly Member[], m: Member, o: Ops): Promise<void> {
  const t = o.transportOf(m);
  await preflight(t, m, o.inputs);
  o.log(`adding etcd member ${m.name} (${peerUrl(m, o.inputs)})`);
  const r = await memberAdd(anchor, m, o);
  const cluster = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(r.stdout)?.[1];
  // etcdctl pads the id to 16 columns: a leading zero shows as a space.
  const id = /Member\s+([0-9a-f]+) added/.exec(r.stdout)?.[1];
  if (!cluster || !id) throw new Error(`${anchor.name}: unexpected output from etcdctl member add: ${r.stdout.trim()}`);
  try {
    await install(t, m, o.inputs, o.certs, o.bins, { initialCluster: cluster, state: "existing" });
    await start(t, m);
    await waitHealthy(anchor, [...current, m], o.inputs, { ...o, step: `after adding ${m.name}` });
  } catch (e) {
    await etcdctl(anchor, `member remove ${id}`).catch(() => undefined);
    await wipe(t, m, o.inputs).catch(() => undefined);
    throw new Error(`${(e as Error).message}\n(member ${m.name} was removed again; the cluster is as it was)`);
  }
}

/**
 * `member add`, retried while etcd refuses it as "unhealthy cluster": etcd
 * wants every member connected for 5 s before it takes another, so a second
 * add right after a first is refused for a moment.
 */
async function memberAdd(anchor: Transport, m: Member, o: Ops): Promise<{ stdout: string }> {
  const deadline = Date.now() + o.inputs.healthTimeout * 1000;
  let said = false;
  for (;;) {
    const r = await etcdctl(anchor, `member add ${shellQuote(m.name)} --peer-urls=${shellQuote(peerUrl(m, o.inputs))}`);
    if (r.code === 0) return r;
    const why = r.stderr.trim().split("\n").pop() ?? "";
    if (!/unhealthy cluster/.test(r.stderr) || Date.now() > deadline || o.signal.aborted) {
      throw new Error(`${anchor.name}: etcdctl member add ${m.name} failed: ${why}`);
    }
    if (!said) o.log(`waiting for etcd to accept ${m.name}: it takes a new member only once every member has been connected for 5 s`);
    said = true;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** Removes one member: `member remove` first (from a member that stays), then stop and wipe it, then wait. */
export async function removeMember(anchor: Transport, remaining: readonly Member[], m: Member, o: Ops): Promise<void> {
  const listed = (await memberList(anchor)).find((x) => x.name === m.name || x.peerUrls.split(",").includes(peerUrl(m, o.inputs)));
  if (listed) {
    o.log(`removing etcd member ${m.name} (${listed.id})`);
    const r = await etcdctl(anchor, `member remove ${listed.id}`);
    if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl member remove ${m.name} failed: ${r.stderr.trim()}`);
  }
  await wipe(o.transportOf(m), m, o.inputs).catch((e: Error) => o.log(`could not clean up ${m.name}'s machine (it is out of the cluster): ${e.message}`));
  await waitHealthy(anchor, remaining, o.inputs, { ...o, step: `after removing ${m.name}` });
}

/** Marks a member whose files changed until it has been restarted, so an interrupted rolling restart is finished next time. */
const PENDING = "/etc/etcd/restart-pending";

/** New files on every member first; then, one at a time, a restart where something changed, with health checked after each. */
export async function rollingUpdate(anchor: Transport, members: readonly Member[], o: Ops): Promise<string[]> {
  const pending = await Promise.all(members.map(async (m) => {
    const t = o.transportOf(m);
    if (await install(t, m, o.inputs, o.certs, o.bins)) await run(t, `touch ${PENDING}`, { sudo: true, what: `member ${m.name}: marking a restart as due` });
    return (await t.exec(`[ -e ${PENDING} ]`, { sudo: true, timeoutMs: 30_000 })).code === 0;
  }));
  const due = members.filter((_m, k) => pending[k]);
  const restarted: string[] = [];
  for (const m of due) {
    o.log(`restarting etcd member ${m.name} (${restarted.length + 1} of ${due.length})`);
    const t = o.transportOf(m);
    await restart(t, m);
    await waitHealthy(anchor, members, o.inputs, { ...o, step: `after restarting ${m.name}` });
    await run(t, `rm -f ${PENDING}`, { sudo: true, what: `member ${m.name}: clearing the restart mark` });
    restarted.push(m.name);
  }
  return restarted;
}
