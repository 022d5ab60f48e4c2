/** Membership as etcd sees it, and changing it one member at a time with health checked in between. */
import type { Transport } from "../../transport/types.js";
import { shellQuote } from "../../transport/types.js";
import { etcdctl } from "./remote.js";

export interface Listed {
  readonly id: string;
  readonly name: string;
  readonly peerUrls: string;
  readonly clientUrls: string;
  readonly learner: boolean;
}

/** `member list` from the anchor: hex ids, names ("" while a member has not started). */
export async function memberList(anchor: Transport): Promise<Listed[]> {
  const r = await etcdctl(anchor, "member list -w simple");
  if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl member list failed: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return r.stdout.trim().split("\n").filter(Boolean).map((l) => {
    const [id = "", , name = "", peerUrls = "", clientUrls = "", learner = ""] = l.split(", ");
    return { id: id.trim(), name, peerUrls, clientUrls, learner: learner.trim() === "true" };
  });
}

/** The member list from the first of `peers` that answers, with who answered; every failure named when none does. */
export async function listFromAny(peers: readonly Transport[]): Promise<{ anchor: Transport; listed: Listed[] }> {
  const errors: string[] = [];
  for (const t of peers) {
    try {
      return { anchor: t, listed: await memberList(t) };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  throw new Error(`no member answered etcdctl member list:\n  ${errors.join("\n  ") || "(no members to ask)"}`);
}

/** The tail of a failed etcdctl's stderr, for messages. */
export const why = (r: { code: number; stderr: string }): string => `exit ${r.code}: ${r.stderr.trim().split("\n").slice(-2).join(" ") || "no message"}`;

/**
 * Runs an etcdctl membership command, retrying while etcd refuses it for a
 * passing reason (etcd takes a new member only once every member has been
 * connected for 5 s; a learner is promoted only once it caught up).
 */
export async function retrying(anchor: Transport, args: string, o: { retryOn: RegExp; waitingFor: string; timeoutSeconds: number; log: (m: string) => void; signal: AbortSignal }): Promise<{ stdout: string }> {
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let said = false;
  for (;;) {
    const r = await etcdctl(anchor, args);
    if (r.code === 0) return r;
    if (!o.retryOn.test(r.stderr) || Date.now() > deadline || o.signal.aborted) {
      throw new Error(`${anchor.name}: etcdctl ${args.split(" --")[0]} failed (${why(r)})`);
    }
    if (!said) o.log(`waiting for ${o.waitingFor}: ${r.stderr.trim().split("\n").pop()}`);
    said = true;
    await new Promise((res) => setTimeout(res, 500));
  }
}
