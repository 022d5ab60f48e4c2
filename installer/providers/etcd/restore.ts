/** A new cluster from a backup's snapshot: restored on every member (new names, new addresses), then started. */
import type { Transport } from "../../transport/types.js";
import { run, shellQuote } from "../../transport/types.js";
import type { ClusterCerts } from "./certs.js";
import { initialCluster, peerUrl, type Inputs, type Member } from "./plan.js";
import { BIN, install, preflight, start, type Binaries } from "./remote.js";
import { STAGING } from "./ownership.js";

const SNAPSHOT = `${STAGING}/restore.db`;

export async function restoreMember(t: Transport, m: Member, members: readonly Member[], i: Inputs, certs: ClusterCerts, bins: Binaries, snapshot: Buffer): Promise<void> {
  await preflight(t, m, i);
  const cluster = initialCluster(members, i);
  await install(t, m, i, certs, bins, { initialCluster: cluster, state: "new" });
  await run(t, `mkdir -p ${STAGING} && chmod 0700 ${STAGING}`, { sudo: true, what: `member ${m.name}: making the restore directory` });
  await t.upload(snapshot, SNAPSHOT, { mode: "0600", owner: "root:root", sudo: true });
  const d = shellQuote(i.dataDir);
  await run(t, [
    // restore makes its data directory itself: into a staging one beside drydock's marker, then etcd's member/ moved in.
    `rm -rf -- ${d}/.restore`,
    `ETCDCTL_API=3 ${BIN.etcdctl} snapshot restore ${SNAPSHOT} --name ${shellQuote(m.name)} --data-dir ${d}/.restore`
      + ` --initial-cluster ${shellQuote(cluster)} --initial-cluster-token ${shellQuote(i.clusterName)}`
      + ` --initial-advertise-peer-urls ${shellQuote(peerUrl(m, i))}`,
    `mv -- ${d}/.restore/member ${d}/member`,
    `rmdir -- ${d}/.restore`,
    `rm -f ${SNAPSHOT}`,
  ].join(" && "), { sudo: true, timeoutMs: 300_000, what: `member ${m.name}: restoring the snapshot` });
  await start(t, m);
}
