/** Membership as etcd sees it, and changing it one member at a time with health checked in between. */
import type { Transport } from "../../transport/types.js";
import { shellQuote } from "../../transport/types.js";
import type { ClusterCerts } from "./certs.js";
import { waitHealthy, type WaitOptions } from "./health.js";
import { peerUrl, type Inputs, type Member } from "./plan.js";
import { etcdctl, install, preflight, start, wipe, type Binaries } from "./remote.js";

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

/** A membership change that failed, saying whether the member it was about is in etcd's member list now. */
export class MembershipError extends Error {
  constructor(message: string, readonly member: Member, readonly inCluster: boolean, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The tail of a failed etcdctl's stderr, for messages. */
const why = (r: { code: number; stderr: string }): string => `exit ${r.code}: ${r.stderr.trim().split("\n").slice(-2).join(" ") || "no message"}`;

/**
 * Adds one member: preflight, `member add`, install with the existing cluster,
 * start, wait. A member an earlier run already added (etcd lists its peer URL)
 * is not added again: its install is finished. Undone if it never becomes
 * healthy, and the error says exactly what was left behind.
 */
export async function addMember(anchor: Transport, current: readonly Member[], m: Member, o: Ops): Promise<void> {
  const t = o.transportOf(m);
  const url = peerUrl(m, o.inputs);
  const listed = await memberList(anchor);
  const already = listed.find((x) => x.peerUrls.split(",").includes(url));
  await preflight(t, m, o.inputs, { resume: already !== undefined });
  let id: string;
  let cluster: string;
  if (already) {
    o.log(`etcd member ${m.name} (${already.id}) was added by an earlier run: finishing its install`);
    id = already.id;
    cluster = listed.map((x) => `${x === already ? m.name : x.name}=${x.peerUrls.split(",")[0]}`).join(",");
  } else {
    o.log(`adding etcd member ${m.name} (${url})`);
    const r = await memberAdd(anchor, m, o);
    const c = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(r.stdout)?.[1];
    // etcdctl pads the id to 16 columns: a leading zero shows as a space.
    const added = /Member\s+([0-9a-f]+) added/.exec(r.stdout)?.[1];
    if (!c || !added) throw new MembershipError(`${anchor.name}: unexpected output from etcdctl member add: ${r.stdout.trim()}`, m, true);
    id = added;
    cluster = c;
  }
  try {
    await install(t, m, o.inputs, o.certs, o.bins, { initialCluster: cluster, state: "existing" });
    await start(t, m);
    await waitHealthy(anchor, [...current, m], o.inputs, { ...o, step: `after adding ${m.name}` });
  } catch (e) {
    throw await undoAdd(anchor, t, m, id, o, e as Error);
  }
}

/** Takes a member that never became healthy out again; a remove that fails leaves it in, and the error says so. */
async function undoAdd(anchor: Transport, t: Transport, m: Member, id: string, o: Ops, e: Error): Promise<MembershipError> {
  const r = await etcdctl(anchor, `member remove ${id}`).catch((err: Error) => ({ code: -1, stdout: "", stderr: err.message }));
  if (r.code !== 0) {
    return new MembershipError(`${e.message}\n(member ${m.name} (${id}) is still in the cluster: etcdctl member remove failed (${why(r)}); `
      + `it counts toward quorum until it is healthy or removed with \`etcdctl member remove ${id}\`; its machine was left as it is, and the next run finishes its install)`, m, true, { cause: e });
  }
  const kept = await wipe(t, m, o.inputs).then((k) => k.join("; "), (err: Error) => `cleaning up its machine failed: ${err.message}`);
  return new MembershipError(`${e.message}\n(member ${m.name} was removed from the cluster again, so the cluster has the members it had before${kept ? `; ${kept}` : "; its machine was wiped"})`, m, false, { cause: e });
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
    if (r.code !== 0) throw new MembershipError(`${anchor.name}: etcdctl member remove ${m.name} (${listed.id}) failed (${why(r)}); it is still in the cluster`, m, true);
  }
  // It is out of the cluster now: a machine that cannot be cleaned up is reported, not fatal.
  await wipe(o.transportOf(m), m, o.inputs).then(
    (kept) => kept.forEach((k) => o.log(`after removing ${k}`)),
    (e: Error) => o.log(`could not clean up ${m.name}'s machine (it is out of the cluster): ${e.message}`),
  );
  await waitHealthy(anchor, remaining, o.inputs, { ...o, step: `after removing ${m.name}` });
}
