/** etcdctl on a member's machine, with its client certificate, and etcd's log. */
import type { Transport } from "../../transport/types.js";
import { shellQuote } from "../../transport/types.js";
import { BIN } from "./ownership.js";

export { BIN } from "./ownership.js";

/**
 * Runs etcdctl on the member with its client certificate: mTLS to the local
 * endpoint, or to `endpoints` (etcdctl refuses a flag that shadows its variable).
 */
export function etcdctl(t: Transport, args: string, o: { endpoints?: readonly string[]; timeoutMs?: number } = {}) {
  return withEtcdctlEnv(t, `${BIN.etcdctl} ${args}`, o);
}

/** A script run as root with etcdctl's settings (client certificate, endpoints) exported. */
export function withEtcdctlEnv(t: Transport, script: string, o: { endpoints?: readonly string[]; timeoutMs?: number } = {}) {
  const eps = o.endpoints ? `export ETCDCTL_ENDPOINTS=${shellQuote(o.endpoints.join(","))}\n` : "";
  return t.exec(`set -a; . /etc/etcd/etcdctl.env; set +a\n${eps}${script}`, { sudo: true, timeoutMs: o.timeoutMs ?? 30_000 });
}
