/** A founder of a cluster restored from a backup: its data directory made from the snapshot before etcd first starts. */
import type { Transport } from "../../transport/types.js";
import { run, shellQuote } from "../../transport/types.js";
import { BIN, STAGING } from "./ownership.js";

const SNAPSHOT = `${STAGING}/restore.db`;

export interface RestoreTarget {
  readonly name: string;
  readonly clusterName: string;
  readonly dataDir: string;
  readonly peerUrl: string;
  /** The founders' `name=peerURL` list. */
  readonly initialCluster: string;
}

export async function restoreMember(t: Transport, m: RestoreTarget, snapshot: Buffer, signal?: AbortSignal): Promise<void> {
  await run(t, `mkdir -p ${STAGING} && chmod 0700 ${STAGING}`, { sudo: true, what: `member ${m.name}: making the restore directory` });
  await t.upload(snapshot, SNAPSHOT, { mode: "0600", owner: "root:root", sudo: true, signal, gzip: true });
  const d = shellQuote(m.dataDir);
  await run(t, [
    // restore makes its data directory itself: into a staging one beside drydock's marker, then etcd's member/ moved in.
    `rm -rf -- ${d}/.restore`,
    `ETCDCTL_API=3 ${BIN.etcdctl} snapshot restore ${SNAPSHOT} --name ${shellQuote(m.name)} --data-dir ${d}/.restore`
      + ` --initial-cluster ${shellQuote(m.initialCluster)} --initial-cluster-token ${shellQuote(m.clusterName)}`
      + ` --initial-advertise-peer-urls ${shellQuote(m.peerUrl)}`,
    `mv -- ${d}/.restore/member ${d}/member`,
    `rmdir -- ${d}/.restore`,
    `rm -f ${SNAPSHOT}`,
  ].join(" && "), { sudo: true, timeoutMs: 300_000, what: `member ${m.name}: restoring the snapshot` });
}
