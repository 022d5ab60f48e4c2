/**
 * etcd.Cluster: members bootstrapped in parallel (or restored from a backup),
 * then changed one member at a time with health checked between steps:
 * adds before removes, so quorum never shrinks below what the program asks for.
 */
import { fetchArtifact } from "../../artifacts/fetch.js";
import { readBackup, snapshotOf } from "../../backup/archive.js";
import { ensureCerts, type ClusterCerts } from "./certs.js";
import { changeCluster } from "./change.js";
import { CREDENTIALS, checkWith, isUnknown, etcd, pki, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";
import { clusterDiff } from "./diff.js";
import { waitHealthy } from "./health.js";
import { memberList, type Ops } from "./members.js";
import type { Outputs } from "./outputs.js";
import { clientUrl, initialCluster, memberProblems, type Inputs, type Member } from "./plan.js";
import { install, preflight, start, wipe, type Binaries } from "./remote.js";
import { restoreMember } from "./restore.js";
import { readMembers } from "./read.js";
import type { Clock } from "../../pki/expiry.js";

export function clusterProvider(connect: Connector, clock: Clock): ResourceProvider<Inputs, Outputs> {
  async function binaries(i: Inputs, log: (m: string) => void): Promise<Binaries> {
    log(`fetching etcd ${i.etcd.version} and etcdctl ${i.etcdctl.version} (checked by sha256)`);
    const [a, b] = await Promise.all([fetchArtifact(i.etcd, log), fetchArtifact(i.etcdctl, log)]);
    return { etcd: a, etcdctl: b };
  }

  function opsFor(i: Inputs, certs: ClusterCerts, bins: Binaries, ctx: ProviderContext): Ops {
    const transportOf = (m: Member) => connect(m.connection, (s) => ctx.log(`${m.name}: ${s}`));
    return { transportOf, inputs: i, certs, bins, log: (s) => ctx.log(s), signal: ctx.signal };
  }

  /** Outputs for these members; ids from etcd, or from `fallbackIds` when it cannot be asked (after a failure). */
  async function outputs(i: Inputs, certs: ClusterCerts, o: Ops, members: readonly Member[], fallbackIds?: Record<string, string>): Promise<Outputs> {
    const names = new Set(members.map((m) => m.name));
    const ask = members.length ? memberList(o.transportOf(members[0]!)) : Promise.resolve(undefined);
    const listed = fallbackIds ? await ask.catch(() => undefined) : await ask;
    const ids = listed ? Object.fromEntries(listed.map((l) => [l.name, l.id])) : Object.fromEntries(Object.entries(fallbackIds ?? {}).filter(([n]) => names.has(n)));
    return {
      ...i,
      members: [...members],
      endpoints: members.map((m) => clientUrl(m, i)),
      caCertPem: certs.ca.certPem,
      clientCertPem: certs.client.certPem,
      clientKeyPem: certs.client.keyPem,
      memberIds: ids,
      pki: certs,
    };
  }

  return {
    secretOutputs: ["clientKeyPem", "pki"],
    // Only the keys inside `pki` are secret: its member addresses stay readable in messages.
    secretLeaves: CREDENTIALS,

    async check(olds, news) {
      const r = checkWith(etcd.ClusterArgsSchema, news);
      if (!r.inputs) return r;
      const failures = memberProblems(r.inputs);
      const { certValidity: v, certRenewBefore: rb } = r.inputs;
      if (!isUnknown(v) && !isUnknown(rb) && pki.durationMs(rb) >= pki.durationMs(v)) {
        failures.push({ property: "certRenewBefore", reason: `certRenewBefore (${rb}) must be shorter than certValidity (${v}), or every run would renew and restart` });
      }
      const restore = r.inputs.restoreFrom;
      if (!olds && restore && !isUnknown(restore) && !isUnknown(restore.file)) {
        try {
          snapshotOf(await readBackup(restore.file), restore.file, restore.cluster);
        } catch (e) {
          failures.push({ property: "restoreFrom.file", reason: (e as Error).message });
        }
      }
      return failures.length ? { failures } : r;
    },

    idFor: (i) => i.clusterName,

    async diff(_id, olds, news, oldInputs) {
      return clusterDiff(olds, news, oldInputs, clock());
    },

    async create(i, ctx) {
      const bins = await binaries(i, (s) => ctx.log(s));
      const certs = await ensureCerts(i, undefined, i.members, clock());
      const o = opsFor(i, certs, bins, ctx);
      const snapshot = i.restoreFrom ? snapshotOf(await readBackup(i.restoreFrom.file), i.restoreFrom.file, i.restoreFrom.cluster).snapshot : undefined;
      // Nothing is written anywhere until every machine has passed its preflight.
      await Promise.all(i.members.map((m) => preflight(o.transportOf(m), m, i)));
      try {
        if (snapshot) {
          ctx.log(`restoring ${i.members.length} members from ${i.restoreFrom!.file} (${snapshot.length} bytes)`);
          await Promise.all(i.members.map((m) => restoreMember(o.transportOf(m), m, i.members, i, certs, bins, snapshot)));
        } else {
          const cluster = initialCluster(i.members, i);
          ctx.log(`installing etcd ${i.etcd.version} on ${i.members.length} members`);
          await Promise.all(i.members.map(async (m) => {
            await install(o.transportOf(m), m, i, certs, bins, { initialCluster: cluster, state: "new" });
            await start(o.transportOf(m), m);
          }));
        }
        await waitHealthy(o.transportOf(i.members[0]!), i.members, i, { ...o, step: snapshot ? "after the restore" : "after bootstrap" });
      } catch (e) {
        ctx.log("undoing: removing etcd from every member");
        const left = await Promise.all(i.members.map((m) => wipe(o.transportOf(m), m, i).then((k) => k, (w: Error) => [`${m.name}: not wiped: ${w.message}`])));
        if (left.flat().length) throw new Error(`${(e as Error).message}\n(undoing left things behind: ${left.flat().join("; ")})`, { cause: e });
        throw e;
      }
      return { id: i.clusterName, outs: await outputs(i, certs, o, i.members) };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      const bins = await binaries(news, (s) => ctx.log(s));
      const certs = await ensureCerts(news, olds.pki, news.members, clock());
      const o = opsFor(news, certs, bins, ctx);
      return { outs: await changeCluster(olds, news, oldInputs, o, (i, members, ids) => outputs(i, certs, o, members, ids)) };
    },

    async read(id, props, inputs, ctx) {
      const now = await readMembers(connect, inputs, props, ctx);
      if (!now) return undefined;
      const { members, memberIds } = now;
      return { id, props: { ...props, members, endpoints: members.map((m) => clientUrl(m, inputs)), memberIds }, inputs: { ...inputs, members } };
    },

    async delete(_id, props, ctx) {
      ctx.log(`removing etcd from ${props.members.length} members`);
      const kept = await Promise.all(props.members.map((m) => wipe(connect(m.connection), m, props)));
      kept.flat().forEach((k) => ctx.log(k));
    },
  };
}
