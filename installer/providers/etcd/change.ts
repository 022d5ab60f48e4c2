/**
 * An etcd.Cluster update: the members that stay roll first (settings, binary,
 * certificates, ports), then additions, then removals, so quorum never shrinks
 * below what the program asks for. A failure part-way throws PartialResultError
 * with outputs that say which members really exist, so the next run continues.
 */
import { PartialResultError } from "./deps.js";
import { actualMembers, memberKey } from "./diff.js";
import { addMember, MembershipError, removeMember, type Ops } from "./members.js";
import type { Inputs, Member, Outputs } from "./plan.js";
import { rollingUpdate } from "./rolling.js";

/** Builds outputs for a member list; `fallback` ids are used when etcd cannot be asked. */
export type OutputsOf = (i: Inputs, members: readonly Member[], fallbackIds?: Record<string, string>) => Promise<Outputs>;

export async function changeCluster(olds: Outputs, news: Inputs, oldInputs: Inputs, o: Ops, outputsOf: OutputsOf): Promise<Outputs> {
  const had = actualMembers(olds, oldInputs);
  const want = new Set(news.members.map(memberKey));
  const hadKeys = new Set(had.map(memberKey));
  const kept = had.filter((m) => want.has(memberKey(m)));
  const adds = news.members.filter((m) => !hadKeys.has(memberKey(m)));
  const removes = had.filter((m) => !want.has(memberKey(m)));
  const before = { clientPort: olds.clientPort ?? oldInputs.clientPort, peerPort: olds.peerPort ?? oldInputs.peerPort };
  let current: Member[] = [...had];
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
