#!/usr/bin/env node
// Workloads benchmark (issue targets), in one run against one cluster, through the real CLI:
// examples/cluster (prefix "ddbw", bridge 10.238.0.1/24: 1 control plane, 1 worker) brought up
// first (not timed), then bench/fixtures/workloads (200 ConfigMaps + 20 Deployments, namespace
// "bench"):
//   A. first `up`, every Deployment awaited available
//   B. a no-op `up` (wall time of the CLI process)                                target ≤ 2 s
//   C. a change of one Deployment (its pod template), awaited
//   D. for comparison: the same manifests in namespace "bench-kubectl" with the release's own
//      `kubectl apply --server-side` and then `kubectl rollout status` for each Deployment (the
//      same work: applied and awaited), and `kubectl apply --server-side` alone
//   E. after a destroy, a first `up` into a new namespace with readiness not awaited
//      (waitForReady: false): drydock's apply alone, against kubectl's apply alone
// target: A no slower than D's apply-and-await. Exits 0 either way, 1 when a step failed, 2 when
// a prerequisite is missing. `--cleanup` removes what a killed run left behind.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { labKubectl } from "../test/lab/env.mjs";
import { cli, configSet, copyExample, exampleConfig, STACK } from "./etcd/drydock.mjs";
import { cleanupAndExit, kubeLabOrQuit, quitter, secs as s, sweepLab } from "./lab.mjs";
import { manifests } from "./fixtures/workloads/manifests.mjs";

const PREFIX = "ddbw";
const SUBNET = "10.238.0.1/24";
const quit = quitter("workloads");
if (process.argv.includes("--cleanup")) await cleanupAndExit("workloads", PREFIX, `${PREFIX}-`);
const { lab, kube } = await kubeLabOrQuit("workloads", PREFIX, quit);

const clusterDir = copyExample("cluster", `${PREFIX}-cluster-`);
const appsDir = mkdtempSync(join(tmpdir(), `${PREFIX}-apps-`));
cpSync(join(import.meta.dirname, "fixtures", "workloads"), appsDir, { recursive: true });
const pass = randomBytes(24).toString("base64url");
const kubectlBin = labKubectl(kube);
const kubeconfig = join(appsDir, "admin.kubeconfig");
const kubectl = (...args) => {
  const t0 = performance.now();
  const r = spawnSync(kubectlBin, ["--kubeconfig", kubeconfig, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};
const image = "registry.k8s.io/e2e-test-images/agnhost:2.66.1";

/** Where an up's time went, from its events: seconds from the CLI's start. */
function breakdown(events) {
  const steps = events.filter((e) => e.type === "step" && (e.phase === "start" || e.phase === "done") && e.op !== "same");
  if (!steps.length) return;
  const at = (phase, re) => steps.filter((e) => e.phase === phase && re.test(e.name)).map((e) => e.at / 1000);
  const span = (xs) => (xs.length ? `${s(Math.min(...xs))} → ${s(Math.max(...xs))}` : "-");
  console.log(`      start-up and plan until the first step  ${s(Math.min(...steps.map((e) => e.at / 1000)))}`);
  console.log(`      ConfigMaps  started ${span(at("start", /^ConfigMap-/))}, done ${span(at("done", /^ConfigMap-/))}`);
  console.log(`      Deployments started ${span(at("start", /^Deployment-/))}, available ${span(at("done", /^Deployment-/))}`);
}
const figures = {};
let failed;
try {
  await cli(clusterDir, pass, ["stack", "init", STACK]);
  const values = Object.fromEntries((await exampleConfig("cluster")).map(({ key, value }) => [key, value]));
  await configSet(clusterDir, pass, { ...values, prefix: PREFIX, subnet: SUBNET, pool: lab.LAB_POOL, controlPlanes: "1", workers: "1", workload: "false" });
  console.log(`workloads: cluster ${PREFIX} (1 control plane, 1 worker, Kubernetes ${kube.LAB_KUBE_VERSION}) coming up (not timed)…`);
  await cli(clusterDir, pass, ["up", "--yes", "--stack", STACK]);
  const out = await cli(clusterDir, pass, ["stack", "output", "kubeconfig", "--show-secrets", "--stack", STACK]);
  writeFileSync(kubeconfig, out.stdout, { mode: 0o600 });

  await cli(appsDir, pass, ["stack", "init", STACK]);
  await cli(appsDir, pass, ["config", "set", "--secret", "kubeconfig", "--stack", STACK], { input: out.stdout });
  await configSet(appsDir, pass, { image });
  console.log(`           ${manifests({ ns: "bench", image }).length} objects: 1 Namespace, 200 ConfigMaps, 20 Deployments (1 pod each)`);

  const up = async (label) => {
    const r = await cli(appsDir, pass, ["up", "--yes", "--stack", STACK], { json: true });
    figures[label] = r.ms / 1000;
    console.log(`  ${label.padEnd(48)} ${s(r.ms / 1000)}`);
    breakdown(r.events);
    return r;
  };
  await up("A. first up, Deployments awaited");
  const noop = await up("B. no-op up (target ≤ 2 s)");
  const summary = noop.events.findLast((e) => e.type === "summary");
  if (!summary || summary.changes) throw new Error(`the no-op up changed something: ${JSON.stringify(summary?.counts)}`);
  await configSet(appsDir, pass, { rev: "2" });
  await up("C. one Deployment changed, awaited");

  const yaml = manifests({ ns: "bench-kubectl", image }).map((m) => stringify(m)).join("---\n");
  const file = join(appsDir, "bench-kubectl.yaml");
  writeFileSync(file, yaml);
  const t0 = performance.now();
  const apply = kubectl("apply", "--server-side", "--field-manager=bench", "-f", file);
  for (let i = 0; i < 20; i++) kubectl("-n", "bench-kubectl", "rollout", "status", `deployment/app-${i}`, "--timeout=300s");
  figures.D = (performance.now() - t0) / 1000;
  console.log(`  ${"D. kubectl apply --server-side + rollout status".padEnd(48)} ${s(figures.D)}  (of which apply ${s(apply)})`);
  const again = kubectl("apply", "--server-side", "--field-manager=bench", "-f", file);
  console.log(`  ${"   kubectl apply --server-side, nothing changed".padEnd(48)} ${s(again)}`);
  kubectl("delete", "namespace", "bench-kubectl", "--wait=true", "--timeout=300s");
  await cli(appsDir, pass, ["destroy", "--yes", "--stack", STACK]);
  await configSet(appsDir, pass, { ns: "bench-e", wait: "false" });
  figures.apply = apply;
  await up("E. first up, readiness not awaited");
  await cli(appsDir, pass, ["destroy", "--yes", "--stack", STACK]);
} catch (e) {
  failed = e;
} finally {
  await cli(clusterDir, pass, ["destroy", "--yes", "--stack", STACK]).catch((e) => console.error(`destroy failed: ${e.message}`));
  await sweepLab(PREFIX);
  rmSync(clusterDir, { recursive: true, force: true });
  rmSync(appsDir, { recursive: true, force: true });
}
if (failed) {
  console.error(`workloads bench: a step failed:\n${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
  process.exit(1);
}
const a = figures["A. first up, Deployments awaited"];
const b = figures["B. no-op up (target ≤ 2 s)"];
const e = figures["E. first up, readiness not awaited"];
console.log(`\nfirst up ${s(a)} vs kubectl apply + rollout status ${s(figures.D)} (${a <= figures.D ? "no slower: met" : "slower: MISSED"}); no-op up ${s(b)} (limit 2 s: ${b <= 2 ? "met" : "MISSED"})`);
console.log(`apply alone: drydock ${s(e)} (its plan included) vs kubectl ${s(figures.apply)} (${e <= figures.apply ? "no slower" : "slower"})`);
