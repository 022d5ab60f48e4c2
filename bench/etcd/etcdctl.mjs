// Checks from outside drydock: the host's own etcdctl, over mTLS with the stack's client
// certificate and CA (from `drydock stack output --show-secrets`), against every endpoint.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const KEYS = 200;
const PREFIX = "bench/";

/** An etcdctl bound to the stack's outputs; PEM files written into `dir` with mode 0600. */
export function hostEtcdctl(dir, outputs) {
  const files = { cacert: outputs.caCertPem, cert: outputs.clientCertPem, key: outputs.clientKeyPem };
  for (const [k, pem] of Object.entries(files)) {
    if (typeof pem !== "string" || !pem.includes("-----BEGIN")) throw new Error(`stack output for --${k} is not PEM (got ${JSON.stringify(pem)?.slice(0, 40)})`);
    writeFileSync(join(dir, `${k}.pem`), pem, { mode: 0o600 });
  }
  const endpoints = outputs.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0) throw new Error(`stack output "endpoints" is ${JSON.stringify(endpoints)}`);
  const tls = Object.keys(files).map((k) => `--${k}=${join(dir, `${k}.pem`)}`);

  async function ctl(args, { input, eps = endpoints } = {}) {
    const p = run("etcdctl", [`--endpoints=${eps.join(",")}`, ...tls, "--command-timeout=5s", ...args], { env: { ...process.env, ETCDCTL_API: "3" }, maxBuffer: 1 << 24 });
    if (input !== undefined) p.child.stdin.end(input);
    else p.child.stdin.end();
    try {
      return await p;
    } catch (e) {
      throw new Error(`host etcdctl ${args.join(" ")} failed (exit ${e.code}): ${(e.stderr || e.message).trim()}`);
    }
  }

  return {
    endpoints,
    /** `endpoint health` must say healthy for every endpoint; returns etcd's server version. */
    async checkHealthy() {
      const h = await ctl(["endpoint", "health"]);
      const text = `${h.stdout}${h.stderr}`;
      const ok = endpoints.filter((ep) => new RegExp(`${ep.replace(/[.]/g, "\\.")} is healthy`).test(text));
      if (ok.length !== endpoints.length) throw new Error(`host etcdctl endpoint health: ${ok.length}/${endpoints.length} healthy:\n${text.trim()}`);
      const s = await ctl(["endpoint", "status", "-w", "json"]);
      const versions = [...new Set(JSON.parse(s.stdout).map((e) => e.Status.version))];
      return versions.join(", ");
    },
    /** KEYS puts in transactions of 100 (etcd's default limit is 128 operations per txn). */
    async writeKeys(tag) {
      for (let start = 0; start < KEYS; start += 100) {
        const puts = Array.from({ length: Math.min(100, KEYS - start) }, (_, k) => `put ${PREFIX}${String(start + k).padStart(4, "0")} ${tag}-${start + k}`);
        const r = await ctl(["txn"], { input: `\n${puts.join("\n")}\n\n\n` });
        if (!/^SUCCESS/.test(r.stdout.trim())) throw new Error(`host etcdctl txn did not succeed:\n${r.stdout.trim()}`);
      }
    },
    /** How many bench keys each endpoint returns (linearizable, so a follower answers once it has caught up; 3.4 has no --count-only). */
    async countKeys() {
      return Promise.all(endpoints.map(async (ep) => {
        const r = await ctl(["get", PREFIX, "--prefix", "--keys-only", "--consistency=l", "-w", "json"], { eps: [ep] });
        return JSON.parse(r.stdout).count ?? 0;
      }));
    },
    /** One key's value, read by quorum: the data is the round's, not an older one's. */
    async value(k) {
      const r = await ctl(["get", `${PREFIX}${String(k).padStart(4, "0")}`, "--print-value-only"]);
      return r.stdout.trim();
    },
  };
}
