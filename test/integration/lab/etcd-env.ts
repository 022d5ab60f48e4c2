/** The etcd-cluster example on the lab, as the etcd tests drive it, and etcdctl on this machine against it. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { TempProject } from "../cli.js";
import { exampleFile, type Lab } from "./env.js";

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** A copy of examples/etcd-cluster with a stack "dev" configured for the lab. */
export async function etcdProject(lab: Lab, prefix: string, subnet: string, extra: Record<string, string> = {}): Promise<TempProject> {
  const p = new TempProject("etcd-cluster");
  cpSync(exampleFile("etcd-cluster", "index.ts"), `${p.dir}/index.ts`);
  await p.ok("stack", "init", "dev");
  const config: Record<string, string> = {
    prefix, subnet, sshHost: lab.host, sshPort: String(lab.port), sshUser: lab.user, sshKeyPath: lab.key,
    sshHostKey: lab.hostKey, authorizedKey: lab.publicKey, image: lab.image, pool: lab.pool,
    etcdSha256: sha256("/usr/bin/etcd"), etcdctlSha256: sha256("/usr/bin/etcdctl"), ...extra,
  };
  for (const [k, v] of Object.entries(config)) await p.ok("config", "set", k, v);
  return p;
}

export interface Client {
  readonly endpoints: string[];
  /** etcdctl with this stack's client certificate (or none, or another's). */
  etcdctl(args: string[], o?: { cert?: "own" | "none" | { cert: string; key: string }; endpoints?: string[] }): Promise<{ code: number; stdout: string; stderr: string }>;
  readonly dir: string;
  cleanup(): void;
}

/** etcdctl on this machine, talking to the cluster over the lab bridge with the stack's certificates. */
export async function clientFor(p: TempProject): Promise<Client> {
  const out = JSON.parse((await p.ok("stack", "output", "--json", "--show-secrets")).stdout) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), "drydock-etcd-client-"));
  writeFileSync(join(dir, "ca.pem"), out.caCertPem as string);
  writeFileSync(join(dir, "client.pem"), out.clientCertPem as string);
  writeFileSync(join(dir, "client.key"), out.clientKeyPem as string, { mode: 0o600 });
  const endpoints = out.endpoints as string[];
  return {
    endpoints, dir,
    async etcdctl(args, o = {}) {
      const cert = o.cert ?? "own";
      const creds = cert === "none" ? [] : cert === "own"
        ? ["--cert", join(dir, "client.pem"), "--key", join(dir, "client.key")]
        : ["--cert", cert.cert, "--key", cert.key];
      const r = await execa("etcdctl", [`--endpoints=${(o.endpoints ?? endpoints).join(",")}`, "--cacert", join(dir, "ca.pem"), "--command-timeout=5s", ...creds, ...args],
        { reject: false, stdin: "ignore", env: { ETCDCTL_API: "3" } });
      return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Puts `n` keys key-0000… through etcdctl's txn (at most 100 operations per transaction): no compares, the puts, no failure branch. */
export async function putKeys(c: Client, n: number, prefix = "key-"): Promise<void> {
  for (let start = 0; start < n; start += 100) {
    const ops = [];
    for (let i = start; i < Math.min(n, start + 100); i++) ops.push(`put ${prefix}${String(i).padStart(4, "0")} value-${i}`);
    const r = await execa("etcdctl", [`--endpoints=${c.endpoints.join(",")}`, "--cacert", join(c.dir, "ca.pem"), "--cert", join(c.dir, "client.pem"),
      "--key", join(c.dir, "client.key"), "txn"], { reject: false, input: `\n${ops.join("\n")}\n\n\n`, env: { ETCDCTL_API: "3" } });
    if (r.exitCode !== 0) throw new Error(`etcdctl txn failed: ${r.stderr}`);
  }
}

export async function countKeys(c: Client, prefix = "key-", endpoints?: string[], consistency = "l"): Promise<number> {
  // etcd 3.4 has no --count-only; the response's count is the total whatever the limit.
  const r = await c.etcdctl(["get", prefix, "--prefix", "--keys-only", "--limit=1", "-w", "json", `--consistency=${consistency}`], { endpoints });
  if (r.code !== 0) throw new Error(`etcdctl get failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { count?: number }).count ?? 0;
}

export async function memberNames(c: Client): Promise<string[]> {
  const r = await c.etcdctl(["member", "list", "-w", "simple"]);
  if (r.code !== 0) throw new Error(`member list failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").map((l) => l.split(", ")[2]!).sort();
}

export async function openssl(args: string[]): Promise<{ code: number; out: string }> {
  const r = await execa("openssl", args, { reject: false, stdin: "ignore" });
  return { code: r.exitCode ?? -1, out: `${r.stdout}${r.stderr}` };
}
