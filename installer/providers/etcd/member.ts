/**
 * etcd.Member: a member's place in etcd's member list and its data directory,
 * made before its service first starts. A founder gets the founders'
 * bootstrap settings (and, for a restore, its data from the snapshot); a
 * member that joins later is added as a learner from a member that answers,
 * so it counts toward quorum only once its Voter promotes it. An earlier run
 * that added it already is finished, not repeated. Delete (after its service
 * stopped) wipes what drydock made in its data directory.
 */
import { createHash } from "node:crypto";
import { readBackup, snapshotOf } from "../../backup/archive.js";
import { renderTemplate } from "../../render/template.js";
import { run, shellQuote, type Transport } from "../../transport/types.js";
import { checkWith, etcd, isUnknown, machineOf, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";
import { listFromAny, retrying, why } from "./members.js";
import { BOOTSTRAP_ENV, prepareScript, preflightScript, REFUSED, wipeScript } from "./ownership.js";
import { etcdctl } from "./remote.js";
import { restoreMember } from "./restore.js";
import { urlHost } from "../../../sdk/net.js";

type Inputs = etcd.MemberResourceInputs;
export interface MemberOutputs extends Inputs {
  readonly initialState: "new" | "existing";
  readonly learner: boolean;
  readonly memberId: string;
}

/**
 * A founder's id, as etcd derives it for a member of an initial cluster (and
 * a snapshot restore): the first 8 bytes of sha1(its peer URLs sorted and
 * joined, then the cluster token), in hex. Known before etcd runs, so
 * nothing has to wait for a quorum to learn it.
 */
export function founderId(peerUrls: readonly string[], clusterToken: string): string {
  const h = createHash("sha1").update([...peerUrls].sort().join("") + clusterToken).digest();
  return h.readBigUInt64BE(0).toString(16);
}

export const peerUrlOf = (i: { address: string; peerPort: number }): string => `https://${urlHost(i.address)}:${i.peerPort}`;
const sudo = { sudo: true, timeoutMs: 120_000 } as const;

/** Refuses etcd data or a non-empty dataDir that drydock did not make for this member. */
async function preflight(t: Transport, i: Inputs): Promise<{ ours: boolean; data: boolean }> {
  const r = await t.exec(preflightScript(i), sudo);
  const who = `member ${i.name} (${t.name})`;
  if (r.code === REFUSED.data) throw new Error(`${who}: ${i.dataDir}/member already exists; drydock will not overwrite etcd data (wipe it, or choose another dataDir)`);
  if (r.code === REFUSED.notEmpty) throw new Error(`${who}: dataDir ${i.dataDir} is not empty and drydock did not make it; choose a dedicated, empty directory`);
  if (r.code !== 0) throw new Error(`${who}: preflight failed: ${r.stderr.trim()}`);
  const said = r.stdout.split("\n").map((l) => l.trim());
  return { ours: said.includes("ours"), data: said.includes("data") };
}

async function writeBootstrap(t: Transport, i: Inputs, cluster: string, state: "new" | "existing"): Promise<void> {
  const text = renderTemplate("etcd/bootstrap.env", { name: i.name, clusterName: i.clusterName, initialCluster: cluster, initialClusterState: state });
  await t.upload(text, BOOTSTRAP_ENV, { mode: "0644", owner: "root:root", sudo: true });
}

/** Adds the member as a learner (or finds it added by an earlier run); returns etcd's --initial-cluster for it, and its id. */
async function join(i: Inputs, connect: Connector, ctx: ProviderContext): Promise<{ cluster: string; id: string }> {
  const url = peerUrlOf(i);
  const { anchor, listed } = await listFromAny(i.peers.map((p) => connect(p.connection, (m) => ctx.log(`${p.name}: ${m}`))));
  const already = listed.find((x) => x.peerUrls.split(",").includes(url));
  if (already) {
    ctx.log(`etcd member ${i.name} (${already.id}) was added by an earlier run: finishing its install`);
    return { id: already.id, cluster: listed.map((x) => `${x === already ? i.name : x.name}=${x.peerUrls.split(",")[0]}`).join(",") };
  }
  ctx.log(`adding etcd member ${i.name} (${url}) as a learner, from ${anchor.name}`);
  const r = await retrying(anchor, `member add ${shellQuote(i.name)} --learner --peer-urls=${shellQuote(url)}`, {
    retryOn: /unhealthy cluster|too many learner/, waitingFor: `etcd to accept ${i.name}`, timeoutSeconds: i.healthTimeout, log: (m) => ctx.log(m), signal: ctx.signal,
  });
  const c = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(r.stdout)?.[1];
  // etcdctl pads the id to 16 columns: a leading zero shows as a space.
  const id = /Member\s+([0-9a-f]+) added/.exec(r.stdout)?.[1];
  if (!c || !id) throw new Error(`${anchor.name}: unexpected output from etcdctl member add: ${r.stdout.trim()}`);
  return { cluster: c, id };
}

export function memberProvider(connect: Connector): ResourceProvider<Inputs, MemberOutputs> {
  async function make(i: Inputs, ctx: ProviderContext): Promise<MemberOutputs> {
    const t = connect(i.connection, (m) => ctx.log(`${i.name}: ${m}`));
    const found = await preflight(t, i);
    if (found.data && i.founder && !i.restoreFrom) {
      // Data drydock made for this founder in a run it never recorded: etcd resumes from it.
      ctx.log(`member ${i.name}: resuming with the data an earlier run made`);
    }
    await run(t, prepareScript(i), { ...sudo, what: `member ${i.name}: making ${i.dataDir} and drydock's marker` });
    if (i.founder) {
      if (i.restoreFrom && !found.data) {
        const { snapshot } = snapshotOf(await readBackup(i.restoreFrom.file), i.restoreFrom.file, i.restoreFrom.cluster);
        ctx.log(`member ${i.name}: restoring ${i.restoreFrom.file} (${snapshot.length} bytes)`);
        await restoreMember(t, { ...i, peerUrl: peerUrlOf(i) }, snapshot, ctx.signal);
      }
      await writeBootstrap(t, i, i.initialCluster, "new");
      return { ...i, initialState: "new", learner: false, memberId: founderId([peerUrlOf(i)], i.clusterName) };
    }
    const joined = await join(i, connect, ctx);
    await writeBootstrap(t, i, joined.cluster, "existing");
    return { ...i, initialState: "existing", learner: true, memberId: joined.id };
  }

  return {
    secretOutputs: [],

    async check(olds, news) {
      const r = checkWith(etcd.MemberArgsSchema, news);
      const restore = r.inputs?.restoreFrom;
      // A founder about to be made from a backup: the archive is checked before anything is written anywhere.
      if (!olds && r.inputs?.founder === true && restore && !isUnknown(restore) && !isUnknown(restore.file)) {
        try {
          snapshotOf(await readBackup(restore.file), restore.file, restore.cluster);
        } catch (e) {
          return { failures: [{ property: "restoreFrom.file", reason: (e as Error).message }] };
        }
      }
      return r;
    },

    idFor: (i) => (isUnknown(i.clusterName) || isUnknown(i.name) ? undefined : `${i.clusterName}/${i.name}`),

    async diff(_id, olds, news, oldInputs) {
      const moved = (["address", "dataDir", "clusterName"] as const).filter((k) => !isUnknown(news[k]) && news[k] !== oldInputs[k]);
      if (!isUnknown(news.connection) && machineOf(news.connection) !== machineOf(oldInputs.connection)) moved.push("connection" as never);
      if (moved.length) {
        throw new Error(`etcd member ${oldInputs.name}: ${moved.join(", ")} cannot change in place (a new machine, address or data directory is a new member, `
          + `and a new cluster name or dataDir a new cluster): add a member under another name, then remove this one; for a new cluster, take a backup and use restoreFrom`);
      }
      if (!isUnknown(news.peerPort) && news.peerPort !== olds.peerPort) {
        return { changes: true, note: `peer URL ${peerUrlOf(olds)} → ${peerUrlOf(news)} (etcdctl member update), before the member restarts` };
      }
      return { changes: false };
    },

    async create(i, ctx) {
      return { id: `${i.clusterName}/${i.name}`, outs: await make(i, ctx) };
    },

    async update(_id, olds, news, ctx) {
      if (news.peerPort !== olds.peerPort) {
        const url = peerUrlOf(news);
        // Members roll one at a time, and their etcdctl settings may already name the new client port: ask on both.
        const local = [...new Set([olds.clientPort, news.clientPort])].map((port) => `https://127.0.0.1:${port}`);
        const { anchor, listed } = await listFromAny([news.connection, ...news.peers.map((p) => p.connection)].map((c) => connect(c, (m) => ctx.log(m))), local);
        const me = listed.find((x) => x.peerUrls.split(",").includes(peerUrlOf(olds)) || x.name === news.name);
        if (!me) throw new Error(`${anchor.name}: etcd does not list member ${news.name}, so its peer URL cannot be updated`);
        if (!me.peerUrls.split(",").includes(url)) {
          ctx.log(`etcd member ${news.name}: peer URL ${me.peerUrls} → ${url}`);
          const r = await etcdctl(anchor, `member update ${me.id} --peer-urls=${url}`, { endpoints: local });
          if (r.code !== 0) throw new Error(`${anchor.name}: etcdctl member update ${news.name} failed (${why(r)})`);
        }
      }
      return { outs: { ...olds, ...news, initialState: olds.initialState, learner: olds.learner, memberId: olds.memberId } };
    },

    async delete(_id, props, ctx) {
      const t = connect(props.connection, (m) => ctx.log(`${props.name}: ${m}`));
      const r = await run(t, wipeScript(props), { ...sudo, what: `member ${props.name}: removing its etcd data` });
      r.stdout.split("\n").filter(Boolean).forEach((l) => ctx.log(`${props.name}: ${l}`));
    },
  };
}
