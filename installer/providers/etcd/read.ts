/**
 * Reading an etcd cluster back. It is gone only when every machine that could
 * hold a member answered and none has etcd's unit or data; a machine that
 * cannot be asked is an error, never an absence. Its members are the ones
 * etcd lists, not a filter of the inputs it was read with.
 */
import { shellQuote, type Transport } from "../../transport/types.js";
import { type Connector, machineOf, type ProviderContext } from "./deps.js";
import { memberList, type Listed } from "./members.js";
import { peerUrl, type Inputs, type Member } from "./plan.js";
import { UNIT } from "./remote.js";

/** What a member's machine says about etcd on it. */
type Found = "present" | "absent";

const MARK = "drydock-etcd-read";

/** Asks one machine whether it holds etcd's unit or data; any other answer is an error naming the machine. */
async function probe(t: Transport, m: Member, i: Inputs): Promise<Found> {
  const r = await t.exec([
    `u=absent; d=absent`,
    `if [ -e ${UNIT} ]; then u=present; fi`,
    `if [ -e ${shellQuote(`${i.dataDir}/member`)} ]; then d=present; fi`,
    `echo "${MARK} unit=$u data=$d"`,
  ].join("\n"), { sudo: true, timeoutMs: 30_000 });
  const said = new RegExp(`^${MARK} unit=(present|absent) data=(present|absent)$`, "m").exec(r.stdout);
  if (r.code !== 0 || !said) {
    throw new Error(`${t.name}: member ${m.name}: cannot tell whether etcd is there (exit ${r.code}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
  }
  return said[1] === "present" || said[2] === "present" ? "present" : "absent";
}

/** Every member that could exist: those asked for, then those last recorded (an interrupted change can leave either). */
function candidates(inputs: Inputs, props: Partial<Inputs>): Member[] {
  const all = [...inputs.members, ...(props.members ?? [])];
  const seen = new Set<string>();
  return all.filter((m) => {
    const k = `${m.name}|${machineOf(m.connection)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `member list` from the first machine that has etcd and answers; every failure is reported if none does. */
async function listFrom(present: readonly Member[], connect: Connector, ctx: ProviderContext): Promise<Listed[]> {
  const errors: string[] = [];
  for (const m of present) {
    try {
      ctx.log(`reading membership from ${m.name}`);
      return await memberList(connect(m.connection));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new Error(`cannot read the member list from any member that has etcd:\n${errors.join("\n")}`);
}

/** The members etcd really has, or undefined when every machine answered that it has no etcd. */
export async function readMembers(connect: Connector, inputs: Inputs, props: Partial<Inputs>, ctx: ProviderContext): Promise<{ members: Member[]; memberIds: Record<string, string> } | undefined> {
  const all = candidates(inputs, props);
  const answers = await Promise.allSettled(all.map((m) => probe(connect(m.connection), m, inputs)));
  const failed = answers.flatMap((a) => (a.status === "rejected" ? [(a.reason as Error).message] : []));
  if (failed.length) {
    throw new Error(`etcd cluster "${inputs.clusterName}": cannot read ${failed.length} of ${all.length} member machines; it is kept as it was:\n${failed.join("\n")}`);
  }
  const present = all.filter((_m, k) => (answers[k] as PromiseFulfilledResult<Found>).value === "present");
  if (!present.length) return undefined;
  const listed = await listFrom(present, connect, ctx).catch((e: Error) => {
    throw new Error(`etcd cluster "${inputs.clusterName}": ${e.message}`);
  });
  // Each listed member is matched to one known member: by peer URL first (a member that moved keeps
  // its name), then by name. A member not started yet has no name in the list.
  const matched = new Map<Member, Listed>();
  for (const l of listed) {
    const urls = l.peerUrls.split(",");
    const free = all.filter((c) => !matched.has(c));
    const m = free.find((c) => urls.includes(peerUrl(c, inputs))) ?? free.find((c) => l.name !== "" && c.name === l.name);
    if (m) matched.set(m, l);
  }
  const members = all.filter((m) => matched.has(m));
  if (!members.length) {
    // Not an absence: etcd is there, but not as any member drydock knows (rebuilt by hand?).
    throw new Error(`etcd cluster "${inputs.clusterName}": etcd on ${present.map((m) => m.name).join(", ")} lists none of the members drydock knows (${listed.map((l) => l.name || l.peerUrls).join(", ") || "an empty list"}); it is kept as it was`);
  }
  const strangers = listed.filter((l) => ![...matched.values()].includes(l));
  for (const l of strangers) ctx.log(`etcd lists a member drydock does not know: ${l.name || "(not started)"} ${l.id} at ${l.peerUrls}`);
  const memberIds = Object.fromEntries([
    ...members.map((m) => [m.name, matched.get(m)!.id]),
    ...strangers.map((l) => [l.name || l.peerUrls, l.id]),
  ]);
  return { members, memberIds };
}
