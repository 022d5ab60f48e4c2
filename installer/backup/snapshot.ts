/**
 * etcd's own check of a snapshot file: `etcdctl snapshot save` appends the
 * sha256 of the database (32 bytes), which makes the size 32 more than a
 * multiple of 512. `snapshot restore` checks the same thing.
 */
import { createHash } from "node:crypto";

export function snapshotProblem(b: Buffer): string | undefined {
  if (b.length < 512 + 32 || b.length % 512 !== 32) return `not an etcd snapshot with an integrity hash (size ${b.length})`;
  const body = b.subarray(0, b.length - 32);
  const want = b.subarray(b.length - 32);
  if (!createHash("sha256").update(body).digest().equals(want)) return "the snapshot's own integrity hash does not match its contents (corrupted or truncated)";
  return undefined;
}
