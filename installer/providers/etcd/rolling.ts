/**
 * A rolling change of the members that stay: one member at a time, its new
 * files installed just before its own restart (never all first: a member
 * systemd restarts after a crash must not pick up new settings early), then
 * health checked. A port change rolls the same way.
 */
import type { Transport } from "../../transport/types.js";
import { run } from "../../transport/types.js";
import { waitHealthy } from "./health.js";
import { memberList, type Ops } from "./members.js";
import { peerUrl, type Member } from "./plan.js";
import { etcdctl, install, restart } from "./remote.js";

/** Marks a member whose files are changing until it has been restarted, so an interrupted rolling restart is finished next time. */
export const PENDING = "/etc/etcd/restart-pending";

/** The ports the members run on before this change. */
export interface Before {
  readonly clientPort: number;
  readonly peerPort: number;
}

/** Points the member's peer URL at the new peer port (`etcdctl member update`), unless etcd already has it. */
async function movePeerUrl(anchor: Transport, m: Member, o: Ops): Promise<boolean> {
  const url = peerUrl(m, o.inputs);
  const listed = (await memberList(anchor)).find((x) => x.name === m.name);
  if (!listed) throw new Error(`${anchor.name}: etcd does not list member ${m.name}, so its peer URL cannot be updated`);
  if (listed.peerUrls.split(",").includes(url)) return false;
  o.log(`etcd member ${m.name}: peer URL ${listed.peerUrls} → ${url} (etcdctl member update; peers dial it there from now on)`);
  const r = await etcdctl(anchor, `member update ${listed.id} --peer-urls=${url}`);
  if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl member update ${m.name} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return true;
}

/** Returns the names of the members it restarted, in order. */
export async function rollingUpdate(anchor: Transport, members: readonly Member[], o: Ops, before: Before): Promise<string[]> {
  const oldClientPort = before.clientPort !== o.inputs.clientPort ? before.clientPort : undefined;
  const restarted: string[] = [];
  for (const [k, m] of members.entries()) {
    const t = o.transportOf(m);
    const sudo = { sudo: true, timeoutMs: 30_000 } as const;
    const wasPending = (await t.exec(`[ -e ${PENDING} ]`, sudo)).code === 0;
    // Marked before its files change, so a crash between the two still restarts it next time.
    if (!wasPending) await run(t, `mkdir -p /etc/etcd && touch ${PENDING}`, { ...sudo, what: `member ${m.name}: marking a restart as due` });
    const moved = before.peerPort !== o.inputs.peerPort && await movePeerUrl(anchor, m, o);
    const changed = await install(t, m, o.inputs, o.certs, o.bins);
    if (changed || wasPending || moved) {
      o.log(`restarting etcd member ${m.name} (${k + 1} of ${members.length})`);
      await restart(t, m);
      await waitHealthy(anchor, members, o.inputs, { ...o, step: `after restarting ${m.name}`, oldClientPort });
      restarted.push(m.name);
    }
    await run(t, `rm -f ${PENDING}`, { ...sudo, what: `member ${m.name}: clearing the restart mark` });
  }
  return restarted;
}
