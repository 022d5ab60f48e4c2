/**
 * An etcd.Cluster update: the members that stay roll first (settings, binary,
 * certificates, ports), then additions, then removals, so quorum never shrinks
 * below what the program asks for. A failure part-way throws PartialResultError
 * with outputs that say which members really exist, so the next run continues.
 */
import { PartialResultError } from "./deps.js";
import { actualMembers, memberKey } from "./diff.js";
import { addMember, memberList, MembershipError, removeMember, type Ops } from "./members.js";
import type { Outputs } from "./outputs.js";
import { peerUrl, type Inputs, type Member } from "./plan.js";
import { rollingUpdate } from "./rolling.js";

/** Builds outputs for a member list; `fallbackIds` are used when etcd cannot be asked. */
export type OutputsOf = (i: Inputs, members: readonly Member[], fallbackIds?: Record<string, string>) => Promise<Outputs>;

/**
 * Members etcd lists but that never started (an add whose undo failed): they
 * are finished as additions (not added again), not rolled like running ones.
 */
async function neverStarted(kept: readonly Member[], o: Ops, peerPort: number): Promise<Set<string>> {
  for (const m of kept) {
    const listed = await memberList(o.transportOf(m)).catch(() => undefined);
    if (!listed) continue;
    const waiting = listed.filter((l) => l.name === "").flatMap((l) => l.peerUrls.split(","));
    return new Set(kept.filter((k) => waiting.includes(peerUrl(k, { ...o.inputs, peerPort }))).map(memberKey));
  }
  return new Set();
}

export async function changeCluster(olds: Outputs, news: Inputs, oldInputs: Inputs, o: Ops, outputsOf: OutputsOf): Promise<Outputs> {
  const had = actualMembers(olds, oldInputs);
  const want = new Set(news.members.map(memberKey));
  const hadKeys = new Set(had.map(memberKey));
  const before = { clientPort: olds.clientPort ?? oldInputs.clientPort, peerPort: olds.peerPort ?? oldInputs.peerPort };
  const stalled = await neverStarted(had.filter((m) => want.has(memberKey(m))), o, before.peerPort);
  const kept = had.filter((m) => want.has(memberKey(m)) && !stalled.has(memberKey(m)));
  const adds = news.members.filter((m) => !hadKeys.has(memberKey(m)) || stalled.has(memberKey(m)));
  const removes = had.filter((m) => !want.has(memberKey(m)));
  let current: Member[] = had.filter((m) => !stalled.has(memberKey(m)));
  let rolled = kept.length === 0;
  const anchorOf = (set: readonly Member[]) => o.transportOf((set.find((m) => want.has(memberKey(m))) ?? set[0])!);
  /** The member list after removing `m` (it stays in `current` until its removal went through). */
  const remove = async (m: Member): Promise<Member[]> => {
    const remaining = current.filter((x) => x !== m);
    await removeMember(anchorOf(remaining), remaining, m, o);
    return remaining;
  };
  try {
    if (kept.length) await rollingUpdate(anchorOf(kept), kept, o, before);
    rolled = true;
    for (const m of adds) {
      // A member moving (same name, new machine) leaves first: etcd's --initial-cluster cannot hold one name twice.
      const moving = removes.find((r) => r.name === m.name);
      if (moving) current = await remove(moving);
      await addMember(anchorOf(current), current, m, o);
      current.push(m);
    }
    for (const m of removes) if (current.includes(m)) current = await remove(m);
  } catch (e) {
    if (e instanceof MembershipError) {
      const k = memberKey(e.member);
      if (!e.inCluster) current = current.filter((x) => memberKey(x) !== k);
      else if (!current.some((x) => memberKey(x) === k)) current.push(e.member);
    }
    // Until every member has rolled, some still run on the old ports: record those, so the next run rolls again.
    const ports = rolled ? {} : before;
    const now = new Set(current.map(memberKey));
    const members = [...news.members.filter((m) => now.has(memberKey(m))), ...current.filter((m) => !want.has(memberKey(m)))];
    const outs = await outputsOf({ ...news, ...ports }, members, olds.memberIds ?? {});
    throw new PartialResultError((e as Error).message, { ...outs }, undefined, { cause: e });
  }
  return outputsOf(news, news.members);
}
