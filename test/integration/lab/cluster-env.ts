/**
 * examples/cluster on the lab for tests: a project with the example's program and its config,
 * the release's own kubectl (test/lab/env.mjs's labKubectl),
 * and what a test compares across runs: each drydock service's invocation on each host.
 */
import { cpSync, writeFileSync } from "node:fs";
import { labKubectl } from "../../lab/env.mjs";
import { join } from "node:path";
import { execa } from "execa";
import { TempProject } from "../cli.js";
import { exampleFile, lxc, type Lab } from "./env.js";
import type { Kube } from "./kube-env.js";

/** The units a cluster's hosts run. */
export const UNITS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "drydock-api-vip", "containerd", "kubelet", "kube-proxy", "drydock-pod-routes"];

export interface ClusterLab {
  readonly p: TempProject;
  /** The release's own kubectl. */
  readonly kubectlPath: string;
  /** The release's kubectl with the stack's admin kubeconfig. */
  kubectl(...args: string[]): Promise<string>;
  /** Any command on the lab host, failing with its output. */
  sh(script: string): Promise<string>;
  /** Writes the admin kubeconfig from the stack's output (again after a change). */
  refreshKubeconfig(): Promise<void>;
  readonly kubeconfig: string;
}

export async function clusterProject(lab: Lab, kube: Kube, config: Record<string, string>): Promise<ClusterLab> {
  const p = new TempProject("cluster");
  cpSync(exampleFile("cluster", "index.ts"), `${p.dir}/index.ts`);
  await p.ok("stack", "init", "dev");
  const all: Record<string, string> = {
    sshHost: lab.host, sshPort: String(lab.port), sshUser: lab.user, sshKeyPath: lab.key, sshHostKey: lab.hostKey, authorizedKey: lab.publicKey,
    image: lab.image, pool: lab.pool, kernelModules: "", kubernetesVersion: kube.LAB_KUBE_VERSION!, mirrorUrl: kube.LAB_KUBE_MIRROR!, mirrorCa: kube.caPem,
    ...config,
  };
  // "--": a PEM value starts with dashes.
  for (const [k, v] of Object.entries(all)) await p.ok("config", "set", "--", k, v);
  const bin = labKubectl(kube);
  const kubeconfig = join(p.dir, "admin.kubeconfig");
  return {
    p, kubeconfig, kubectlPath: bin,
    async kubectl(...args: string[]) {
      const r = await execa(bin, ["--kubeconfig", kubeconfig, ...args], { reject: false, stdin: "ignore", timeout: 120_000 });
      if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")}: exit ${r.exitCode}: ${r.stderr}`);
      return String(r.stdout);
    },
    async sh(script: string) {
      const r = await execa("bash", ["-c", script], { reject: false, stdin: "ignore", timeout: 120_000 });
      if (r.exitCode !== 0) throw new Error(`${script}: exit ${r.exitCode}: ${r.stdout}\n${r.stderr}`);
      return String(r.stdout);
    },
    async refreshKubeconfig() {
      const r = await p.ok("stack", "output", "kubeconfig", "--show-secrets");
      writeFileSync(kubeconfig, r.stdout, { mode: 0o600 });
    },
  };
}

/** Per host, per unit it runs: systemd's invocation id (it changes on every start and restart). */
export async function invocations(hosts: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(hosts.map(async (h) => {
    const ids = await lxc("exec", h, "--", "sh", "-c", UNITS.map((u) => `echo ${u}=$(systemctl show -p InvocationID --value ${u}.service 2>/dev/null)`).join("; "));
    for (const line of ids.split("\n")) {
      const [u, id] = line.split("=");
      if (id) out[`${h}/${u}`] = id;
    }
  }));
  return out;
}

/** Which of `before`'s services were restarted (or stopped) by now. */
export function restarted(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((k) => after[k] !== before[k]).sort();
}

