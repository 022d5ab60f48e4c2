/**
 * etcd.Bootstrap: which members found the cluster, and from what (empty, or a
 * backup's snapshot). The founders are fixed when the cluster is made: a
 * member added later joins instead, and a founder removed from the program
 * stops being one. Checks the member list as a whole (odd count, no name,
 * machine or address twice) and refuses a change that would make a new,
 * empty cluster. Contributes the cluster's snapshot to `drydock backup`.
 */
import { readBackup, snapshotOf } from "../../backup/archive.js";
import { takeSnapshot } from "./backup.js";
import { checkWith, etcd, isUnknown, machineOf, type Connector, type ResourceProvider } from "./deps.js";

type Inputs = etcd.BootstrapInputs;
export interface BootstrapOutputs extends Inputs {
  readonly founders: string[];
  readonly initialCluster: string;
}

const keyOf = (m: Inputs["members"][number]): string => `${m.name}@${m.address}`;

/** What is wrong with a member list: an even count, or a name, machine or address twice. */
function memberProblems(i: Inputs): { property: string; reason: string }[] {
  const out: { property: string; reason: string }[] = [];
  const n = i.members.length;
  if (n % 2 === 0 && !i.allowEvenMembers) {
    out.push({ property: "members", reason: `${n} members is an even count: it tolerates no more failures than ${n - 1} (quorum ${Math.floor(n / 2) + 1}); use an odd count, or set allowEvenMembers` });
  }
  const seen = { name: new Map<string, number>(), host: new Map<string, number>(), address: new Map<string, number>() };
  i.members.forEach((m, k) => {
    const clash = (kind: keyof typeof seen, key: string, what: string) => {
      const j = seen[kind].get(key);
      if (j !== undefined) out.push({ property: `members[${k}].${kind}`, reason: `${what} is also members[${j}]'s` });
      else seen[kind].set(key, k);
    };
    if (!isUnknown(m.name)) clash("name", m.name, `name "${m.name}"`);
    if (!isUnknown(m.connection) && !isUnknown(m.connection.host)) clash("host", machineOf(m.connection), `host ${machineOf(m.connection)}`);
    if (!isUnknown(m.address)) clash("address", m.address, `address ${m.address}`);
  });
  return out;
}

export function bootstrapProvider(connect: Connector): ResourceProvider<Inputs, BootstrapOutputs> {
  return {
    secretOutputs: [],
    plannedOutputs: (i) => (i.members.some((m) => isUnknown(m) || isUnknown(m.address) || isUnknown(m.peerUrl)) ? {}
      : { founders: i.members.map(keyOf), initialCluster: i.members.map((m) => `${m.name}=${m.peerUrl}`).join(",") }),

    async check(olds, news) {
      const r = checkWith(etcd.BootstrapArgsSchema, news);
      if (!r.inputs) return r;
      const failures: { property: string; reason: string }[] = [];
      failures.push(...memberProblems(r.inputs));
      const restore = r.inputs.restoreFrom;
      if (!olds && restore && !isUnknown(restore) && !isUnknown(restore.file)) {
        try {
          snapshotOf(await readBackup(restore.file), restore.file, restore.cluster);
        } catch (e) {
          failures.push({ property: "restoreFrom.file", reason: (e as Error).message });
        }
      }
      return failures.length ? { failures } : { inputs: r.inputs };
    },

    idFor: (i) => i.clusterName,

    async diff(_id, olds, news, oldInputs) {
      const changed = (["clusterName", "dataDir"] as const).filter((k) => !isUnknown(news[k]) && news[k] !== oldInputs[k]);
      if (changed.length) {
        const what = changed.map((k) => `${k} (${JSON.stringify(oldInputs[k])} → ${JSON.stringify(news[k])})`).join(", ");
        throw new Error(`etcd cluster ${oldInputs.clusterName}: changing ${what} would make a new, empty cluster and lose the old one's data; refused: `
          + "change it back, or take a backup (drydock backup), remove the cluster from the program, and declare the new one with restoreFrom");
      }
      const keys = news.members.some((m) => isUnknown(m) || isUnknown(m.address)) ? undefined : news.members.map(keyOf);
      const founders = keys ? olds.founders.filter((f) => keys.includes(f)) : olds.founders;
      return { changes: founders.length !== olds.founders.length || JSON.stringify(news.members) !== JSON.stringify(oldInputs.members) };
    },

    async create(i) {
      return { id: i.clusterName, outs: { ...i, founders: i.members.map(keyOf), initialCluster: i.members.map((m) => `${m.name}=${m.peerUrl}`).join(",") } };
    },

    async update(_id, olds, news) {
      // Founders stay founders while they are members; whoever is added joins.
      const keys = news.members.map(keyOf);
      return { outs: { ...news, founders: olds.founders.filter((f) => keys.includes(f)), initialCluster: olds.initialCluster } };
    },

    async delete() {
      // The members' resources take etcd away; this one lives in state only.
    },

    async backup(_id, props, ctx) {
      const taken = await takeSnapshot(props, connect, (m) => ctx.log(m));
      const file = `etcd/${props.clusterName}.db`;
      return [{
        section: "etcd",
        files: { [file]: taken.snapshot },
        entry: { urn: ctx.urn, clusterName: props.clusterName, file, members: props.members.map((m) => m.name), takenFrom: taken.member, ...(taken.revision ? { revision: taken.revision } : {}) },
      }];
    },
  };
}
