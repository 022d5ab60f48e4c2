/**
 * etcd.Cluster: members bootstrapped in parallel (or restored from a backup),
 * then changed one member at a time with health checked between steps:
 * adds before removes, so quorum never shrinks below what the program asks for.
 */
import { fetchArtifact } from "../../artifacts/fetch.js";
import { readBackup, snapshotOf } from "../../backup/archive.js";
import { ensureCerts, certsDue, type ClusterCerts } from "./certs.js";
import { checkWith, isUnknown, etcd, machineOf, pki, same, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";
import { waitHealthy } from "./health.js";
import { addMember, memberList, removeMember, rollingUpdate, type Ops } from "./members.js";
import { address, clientUrl, initialCluster, memberProblems, REPLACING, type Inputs, type Member } from "./plan.js";
import { install, preflight, start, wipe, type Binaries } from "./remote.js";
import { restoreMember } from "./restore.js";
import { readMembers } from "./read.js";
import type { Clock } from "../pki/deps.js";
import { signedBy } from "../pki/certificate.js";

interface Outputs extends Inputs {
  readonly endpoints: string[];
  readonly caCertPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly memberIds: Record<string, string>;
  /** Every certificate and key the cluster keeps (the CA's too when it made its own). */
  readonly pki: ClusterCerts;
}

/** Whether two CAs have the same key (a CA re-signed with its key is the same CA to etcd's peers). */
function sameCaKey(a: Inputs["ca"], b: Inputs["ca"]): boolean {
  if (!a || !b) return a === b;
  if (isUnknown(a) || isUnknown(a.certPem)) return true;
  return a.certPem === b.certPem || signedBy(a.certPem, b.certPem);
}

/** A member's identity: its name, machine and address; any change is a remove and an add. */
const key = (m: Member): string => `${m.name}|${machineOf(m.connection)}|${address(m)}`;

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

  async function outputs(i: Inputs, certs: ClusterCerts, o: Ops, members: readonly Member[]): Promise<Outputs> {
    const listed = await memberList(o.transportOf(members[0]!));
    return {
      ...i,
      endpoints: members.map((m) => clientUrl(m, i)),
      caCertPem: certs.ca.certPem,
      clientCertPem: certs.client.certPem,
      clientKeyPem: certs.client.keyPem,
      memberIds: Object.fromEntries(listed.map((l) => [l.name, l.id])),
      pki: certs,
    };
  }

  return {
    secretOutputs: ["clientKeyPem", "pki"],

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
      const replaces = REPLACING.filter((k) => !isUnknown(news[k]) && (k === "ca" ? !sameCaKey(news.ca, oldInputs.ca) : !same(news[k], oldInputs[k])));
      if (replaces.length) {
        // The old cluster goes first: the new one would use the same machines, files and unit.
        return { changes: true, replaces: [...replaces], deleteBeforeReplace: true, note: "a new, empty cluster: take a backup first if its data matters" };
      }
      const notes: string[] = [];
      if (news.ca && !isUnknown(news.ca) && !isUnknown(news.ca.certPem) && news.ca.certPem !== oldInputs.ca?.certPem) notes.push("its CA was re-signed (same key): new ca.crt, rolling restart");
      if (news.members.some((m) => isUnknown(m) || isUnknown(m.connection) || isUnknown(m.address))) notes.push("members known once their hosts are");
      else {
        const had = new Set(oldInputs.members.map(key));
        const want = new Set(news.members.map(key));
        const adds = news.members.filter((m) => !had.has(key(m))).map((m) => `+${m.name}`);
        const removes = oldInputs.members.filter((m) => !want.has(key(m))).map((m) => `-${m.name}`);
        if (adds.length || removes.length) notes.push(`members ${[...adds, ...removes].join(" ")}, one at a time`);
      }
      if (!same(news.settings, oldInputs.settings) || !same(news.etcd, oldInputs.etcd)) notes.push("rolling restart, one member at a time");
      const due = certsDue(olds.pki, news, clock());
      if (due) notes.push(due);
      const other = (["allowEvenMembers", "etcdctl", "certValidity", "certRenewBefore", "healthTimeout", "restoreFrom"] as const).some((k) => !same(news[k], oldInputs[k]));
      return { changes: notes.length > 0 || other, note: notes.join("; ") || undefined };
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
        await Promise.all(i.members.map((m) => wipe(o.transportOf(m), m, i).catch(() => undefined)));
        throw e;
      }
      return { id: i.clusterName, outs: await outputs(i, certs, o, i.members) };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      const bins = await binaries(news, (s) => ctx.log(s));
      const certs = await ensureCerts(news, olds.pki, news.members, clock());
      const o = opsFor(news, certs, bins, ctx);
      const want = new Set(news.members.map(key));
      const had = new Set(oldInputs.members.map(key));
      const kept = oldInputs.members.filter((m) => want.has(key(m)));
      const adds = news.members.filter((m) => !had.has(key(m)));
      const removes = oldInputs.members.filter((m) => !want.has(key(m)));
      let current: Member[] = [...oldInputs.members];
      const anchorOf = (set: readonly Member[]) => o.transportOf((set.find((m) => want.has(key(m))) ?? set[0])!);
      if (kept.length) await rollingUpdate(anchorOf(kept), kept, o);
      for (const m of adds) {
        // A member moving (same name, new machine) leaves first: names are unique in etcd.
        const moving = removes.find((r) => r.name === m.name);
        if (moving) {
          current = current.filter((x) => x !== moving);
          await removeMember(anchorOf(current), current, moving, o);
        }
        await addMember(anchorOf(current), current, m, o);
        current.push(m);
      }
      for (const m of removes) {
        if (!current.includes(m)) continue;
        current = current.filter((x) => x !== m);
        await removeMember(anchorOf(current), current, m, o);
      }
      const ordered = news.members;
      return { outs: await outputs(news, certs, o, ordered) };
    },

    async read(id, props, inputs, ctx) {
      const now = await readMembers(connect, inputs, props, ctx);
      if (!now) return undefined;
      const { members, memberIds } = now;
      return { id, props: { ...props, members, endpoints: members.map((m) => clientUrl(m, inputs)), memberIds }, inputs: { ...inputs, members } };
    },

    async delete(_id, props, ctx) {
      ctx.log(`removing etcd from ${props.members.length} members`);
      await Promise.all(props.members.map((m) => wipe(connect(m.connection), m, props)));
    },
  };
}
