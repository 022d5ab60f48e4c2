/**
 * What a change to an etcd.Cluster means, in words, before anything happens:
 * rolling changes, membership changes, and replacements (a new, empty cluster),
 * which are refused unless the program opts in with `allowReplacement`.
 */
import { signedBy } from "../../pki/x509.js";
import { certsDue } from "./certs.js";
import { isUnknown, machineOf, same, type DiffResult } from "./deps.js";
import type { Outputs } from "./outputs.js";
import { address, type Inputs, type Member } from "./plan.js";

/** Inputs whose change means a new cluster (new data), not a rolling change. */
export const REPLACING = ["clusterName", "ca", "dataDir"] as const;

export const REPLACEMENT_NOTE = "replaces the cluster: a new, empty cluster; its data is lost — take a backup first";

/** Whether two CAs have the same key (a CA re-signed with its key is the same CA to etcd's peers). */
function sameCaKey(a: Inputs["ca"], b: Inputs["ca"]): boolean {
  if (!a || !b) return a === b;
  if (isUnknown(a) || isUnknown(a.certPem)) return true;
  return a.certPem === b.certPem || signedBy(a.certPem, b.certPem);
}

/** A member's identity: its name, machine and address; any change is a remove and an add. */
export const memberKey = (m: Member): string => `${m.name}|${machineOf(m.connection)}|${address(m)}`;

const shown = (k: (typeof REPLACING)[number], v: unknown): string => (k === "ca" ? (v ? "a CA with another key" : "the cluster's own CA") : JSON.stringify(v));

/** The members that really exist: the recorded outputs' (after a partial failure they differ from the inputs'). */
export const actualMembers = (olds: Outputs, oldInputs: Inputs): readonly Member[] => olds.members ?? oldInputs.members;

export function clusterDiff(olds: Outputs, news: Inputs, oldInputs: Inputs, now: Date): DiffResult {
  const replaces = REPLACING.filter((k) => !isUnknown(news[k]) && (k === "ca" ? !sameCaKey(news.ca, oldInputs.ca) : !same(news[k], oldInputs[k])));
  if (replaces.length) {
    const what = replaces.map((k) => `${k} (${shown(k, oldInputs[k])} → ${shown(k, news[k])})`).join(", ");
    if (news.allowReplacement !== true) {
      throw new Error(`etcd cluster ${oldInputs.clusterName}: changing ${what} ${REPLACEMENT_NOTE}; refused: set allowReplacement: true to go ahead, or change it back`);
    }
    // The old cluster goes first: the new one would use the same machines, files and unit.
    return { changes: true, replaces: [...replaces], deleteBeforeReplace: true, note: `${what} ${REPLACEMENT_NOTE}` };
  }
  const notes: string[] = [];
  if (news.ca && !isUnknown(news.ca) && !isUnknown(news.ca.certPem) && news.ca.certPem !== oldInputs.ca?.certPem) notes.push("its CA was re-signed (same key): new ca.crt, rolling restart");
  if (!isUnknown(news.peerPort) && news.peerPort !== olds.peerPort) notes.push(`peer port ${olds.peerPort} → ${news.peerPort}: one member at a time, its peer URL updated (etcdctl member update), then it is restarted`);
  if (!isUnknown(news.clientPort) && news.clientPort !== olds.clientPort) notes.push(`client port ${olds.clientPort} → ${news.clientPort}: rolling restart, one member at a time; clients must use the new endpoints`);
  if (news.members.some((m) => isUnknown(m) || isUnknown(m.connection) || isUnknown(m.address))) notes.push("members known once their hosts are");
  else {
    const had = actualMembers(olds, oldInputs);
    const hadKeys = new Set(had.map(memberKey));
    const want = new Set(news.members.map(memberKey));
    const adds = news.members.filter((m) => !hadKeys.has(memberKey(m))).map((m) => `+${m.name}`);
    const removes = had.filter((m) => !want.has(memberKey(m))).map((m) => `-${m.name}`);
    if (adds.length || removes.length) notes.push(`members ${[...adds, ...removes].join(" ")}, one at a time`);
  }
  if (!same(news.settings, oldInputs.settings) || !same(news.etcd, oldInputs.etcd)) notes.push("rolling restart, one member at a time");
  const due = certsDue(olds.pki, news, now);
  if (due) notes.push(due);
  const other = (["allowEvenMembers", "etcdctl", "certValidity", "certRenewBefore", "healthTimeout", "restoreFrom"] as const).some((k) => !same(news[k], oldInputs[k]));
  return { changes: notes.length > 0 || other, note: notes.join("; ") || undefined };
}
