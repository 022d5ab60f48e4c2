// The stack config `node examples/run.mjs etcd-cluster` sets on first use: the host lab's SSH
// endpoint and its fast pool (the runner hands over the lab's settings as `labConfig`), and the
// checksums of Debian's etcd binaries.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

export function stackConfig({ labConfig }) {
  const { lab, entries } = labConfig();
  return [
    ...entries,
    { key: "pool", value: lab.LAB_POOL },
    { key: "etcdSha256", value: sha256("/usr/bin/etcd") },
    { key: "etcdctlSha256", value: sha256("/usr/bin/etcdctl") },
  ];
}
