// The stack config `node examples/run.mjs etcd-cluster` sets on first use: the host lab's SSH
// endpoint (test/lab/lab.env, written by `npm run lab:up`), its fast pool, and the checksums of
// Debian's etcd binaries.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { labStackConfig } from "../../test/lab/env.mjs";

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

export function stackConfig() {
  const { lab, entries } = labStackConfig();
  return [
    ...entries,
    { key: "pool", value: lab.LAB_POOL },
    { key: "etcdSha256", value: sha256("/usr/bin/etcd") },
    { key: "etcdctlSha256", value: sha256("/usr/bin/etcdctl") },
  ];
}
