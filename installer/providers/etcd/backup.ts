/** An etcd snapshot over mTLS from a healthy member, read back and checked by sha256 against the member's own sum. */
import { randomBytes } from "node:crypto";
import { sha256Hex } from "../../util/hash.js";
import { snapshotProblem } from "../../backup/snapshot.js";
import type { Connector } from "./deps.js";
import { BIN, etcdctl, withEtcdctlEnv } from "./remote.js";

/** What a snapshot is taken of: the cluster's name and its members' machines. */
export interface SnapshotSource {
  readonly clusterName: string;
  readonly members: readonly { readonly name: string; readonly connection: Parameters<Connector>[0] }[];
}

export interface Taken {
  readonly snapshot: Buffer;
  readonly member: string;
  readonly revision?: string;
}

/** Tries each member in order until one is healthy and gives a snapshot that checks out. */
export async function takeSnapshot(c: SnapshotSource, connect: Connector, log: (m: string) => void): Promise<Taken> {
  const errors: string[] = [];
  for (const m of c.members) {
    const t = connect(m.connection);
    const file = `/var/lib/drydock-etcd/backup-${randomBytes(6).toString("hex")}.db`;
    try {
      const h = await etcdctl(t, "endpoint health --command-timeout=5s", { timeoutMs: 30_000 });
      if (h.code !== 0) throw new Error(`not healthy: ${(h.stderr || h.stdout).trim().split("\n").pop()}`);
      log(`taking an etcd snapshot of ${c.clusterName} from ${m.name} (${t.name})`);
      const s = await withEtcdctlEnv(t, [
        "set -e",
        "mkdir -p /var/lib/drydock-etcd && chmod 0700 /var/lib/drydock-etcd",
        `out=$(${BIN.etcdctl} snapshot save ${file} 2>&1) || { printf '%s\\n' "$out" | tail -n 3 >&2; exit 1; }`,
        `sha256sum ${file}`,
        `${BIN.etcdctl} endpoint status -w json`,
      ].join("\n"), { timeoutMs: 600_000 });
      if (s.code !== 0) throw new Error(`snapshot save failed: ${s.stderr.trim().split("\n").slice(-3).join(" ")}`);
      const [sumLine = "", status = ""] = s.stdout.split("\n");
      const remoteSum = sumLine.split(" ")[0];
      const snapshot = await t.readFile(file, { sudo: true });
      if (!snapshot) throw new Error(`${file} vanished before it was read`);
      const got = sha256Hex(snapshot);
      if (got !== remoteSum) throw new Error(`snapshot changed in transit: ${m.name} says sha256 ${remoteSum}, received ${got}`);
      const p = snapshotProblem(snapshot);
      if (p) throw new Error(p);
      const revision = /"revision":\s*(\d+)/.exec(status)?.[1];
      return { snapshot, member: m.name, ...(revision ? { revision } : {}) };
    } catch (e) {
      errors.push(`${m.name} (${t.name}): ${(e as Error).message}`);
      log(`${m.name}: ${(e as Error).message}; trying the next member`);
    } finally {
      await t.exec(`rm -f ${file}`, { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
    }
  }
  throw new Error(`no snapshot of etcd cluster ${c.clusterName}: every member failed:\n${errors.map((e) => `  ✖ ${e}`).join("\n")}`);
}
