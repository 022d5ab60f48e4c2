// The stack config `node examples/run.mjs etcd-cluster` sets on first use: the host lab's SSH
// endpoint (test/lab/lab.env, written by `npm run lab:up`) and the checksums of Debian's etcd binaries.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LAB_ENV, readLabEnv } from "../../test/lab/env.mjs";

const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");

export function stackConfig() {
  const lab = readLabEnv();
  if (!lab) throw new Error(`no ${LAB_ENV}: bring the host lab up first (npm run lab:up)`);
  return [
    { key: "sshHost", value: lab.LAB_SSH_HOST },
    { key: "sshPort", value: lab.LAB_SSH_PORT },
    { key: "sshUser", value: lab.LAB_SSH_USER },
    { key: "sshKeyPath", value: lab.LAB_SSH_KEY },
    { key: "sshHostKey", value: lab.LAB_SSH_HOSTKEY },
    { key: "authorizedKey", value: readFileSync(`${lab.LAB_SSH_KEY}.pub`, "utf8").trim() },
    { key: "image", value: lab.LAB_IMAGE },
    { key: "pool", value: lab.LAB_POOL },
    { key: "etcdSha256", value: sha256("/usr/bin/etcd") },
    { key: "etcdctlSha256", value: sha256("/usr/bin/etcdctl") },
  ];
}
