#!/usr/bin/env node
// Cluster benchmark (issue targets), in one run, through the real CLI and the real
// examples/cluster program (a temp copy with its own stack; prefix "ddbc", bridge 10.248.0.1/24,
// virtual API address .250, the lab's release mirror and tmpfs pool):
//   A. nothing → 3 control planes + 2 workers, every check of "done" passing (every API server's
//      /readyz, every node Ready, CoreDNS available, a name resolving from a pod)   target ≤ 45 s
//   B. ready instances → the same cluster (the cluster taken off first, instances kept)
//   C. a no-op `up` of it (wall time of the CLI process)                              target ≤ 2 s
//   D. adding one worker
// Each figure is the CLI's whole run (start-up, plan, apply). A and B print the breakdown by
// phase: when each phase's first step started and its last ended, from the start of the run.
// Exits 0 either way, 1 when a step failed (its output is printed), 2 when a prerequisite is missing.
// `--cleanup` removes what a killed run left behind (ddbc-* in LXD).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { applyStart, cli, configSet, copyExample, exampleConfig, STACK } from "./etcd/drydock.mjs";
import { cleanupAndExit, kubeLabOrQuit, quitter, secs, sweepLab } from "./lab.mjs";

const PREFIX = "ddbc";
const SUBNET = "10.248.0.1/24";
const s = secs;
const quit = quitter("cluster");

/** Phases, in the order they mostly run: a step belongs to the first whose test matches its type and name. */
const PHASES = [
  ["instances", (t) => t.startsWith("drydock:lxd:")],
  ["release", (t) => t === "drydock:kubernetes:Release"],
  ["certificates", (t) => t.startsWith("drydock:pki:") || t === "drydock:kubernetes:EncryptionKey"],
  ["etcd", (t, n) => t.startsWith("drydock:etcd:") || /-etcd-/.test(n) || /^ddbc-etcd/.test(n)],
  ["control plane", (t, n) => /-control-plane-/.test(n)],
  ["node binaries+configs", (t, n) => t === "drydock:host:Files" && /-(binaries|config)$/.test(n)],
  ["node runtime (containerd, images)", (t, n) => /-(state|containerd|images)$/.test(n) && !/-control-plane-/.test(n)],
  ["kubelet", (t, n) => /-kubelet(-healthy)?$/.test(n)],
  ["kube-proxy, pod routes", (t, n) => /-(kube-proxy|pod-routes)-/.test(n)],
  ["nodes Ready", (t) => t === "drydock:kubernetes:NodeRegistration"],
  ["add-ons (RBAC, CoreDNS, DNS check)", (t, n) => t === "drydock:kubernetes:Manifests" || /-(coredns-available|dns-resolves|ready)$/.test(n)],
];

/** Per phase: [first start, last done] in seconds from the CLI's start, and the steps in it. */
function phases(events) {
  const out = [];
  const steps = events.filter((e) => e.type === "step" && (e.phase === "start" || e.phase === "done") && e.resourceType);
  for (const [phase] of PHASES) {
    const mine = steps.filter((e) => PHASES.find(([, t]) => t(e.resourceType, e.name ?? ""))?.[0] === phase);
    if (!mine.length) continue;
    const starts = mine.filter((e) => e.phase === "start").map((e) => e.at);
    const dones = mine.filter((e) => e.phase === "done").map((e) => e.at);
    out.push({ phase, from: Math.min(...starts, ...dones) / 1000, to: Math.max(...dones) / 1000, steps: dones.length });
  }
  return out;
}

function printPhases(run) {
  console.log(`      start-up+plan ${s(applyStart(run.events))}`);
  for (const p of phases(run.events)) console.log(`      ${p.phase.padEnd(36)} ${s(p.from)} → ${s(p.to)}  (${p.steps} steps)`);
}

if (process.argv.includes("--cleanup")) await cleanupAndExit("cluster", PREFIX, `${PREFIX}-cluster-`);

const { lab, kube } = await kubeLabOrQuit("cluster", PREFIX, quit);

const dir = copyExample("cluster", `${PREFIX}-cluster-`);
const pass = randomBytes(24).toString("base64url");
const dd = (args, o) => cli(dir, pass, args, o);
const figures = {};
let failed;
try {
  await dd(["stack", "init", STACK]);
  const values = Object.fromEntries((await exampleConfig("cluster")).map(({ key, value }) => [key, value]));
  await configSet(dir, pass, { ...values, prefix: PREFIX, subnet: SUBNET, pool: lab.LAB_POOL, controlPlanes: "3", workers: "2", kubernetes: "true" });
  console.log(`cluster: examples/cluster in ${dir}, stack ${STACK}, prefix ${PREFIX}, bridge ${SUBNET}, pool ${lab.LAB_POOL}`);
  console.log(`         Kubernetes ${kube.LAB_KUBE_VERSION} from ${kube.LAB_KUBE_MIRROR}; 3 control planes (stacked etcd, virtual address) + 2 workers`);

  const up = async (label) => {
    const load = loadavg()[0];
    const r = await dd(["up", "--yes", "--stack", STACK], { json: true });
    figures[label] = r.ms / 1000;
    console.log(`  ${label.padEnd(44)} ${s(r.ms / 1000)}  (load ${load.toFixed(1)})`);
    return r;
  };
  printPhases(await up("A. nothing → cluster (target ≤ 45 s)"));
  await configSet(dir, pass, { kubernetes: "false" });
  const off = await dd(["up", "--yes", "--stack", STACK], { json: true });
  console.log(`     (cluster taken off, instances kept: ${s(off.ms / 1000)})`);
  await configSet(dir, pass, { kubernetes: "true" });
  printPhases(await up("B. ready instances → cluster"));
  const noop = await up("C. no-op up (target ≤ 2 s)");
  const summary = noop.events.findLast((e) => e.type === "summary");
  if (!summary || summary.changes) throw new Error(`the no-op up changed something: ${JSON.stringify(summary?.counts)}`);
  await configSet(dir, pass, { workers: "3" });
  printPhases(await up("D. adding one worker"));
} catch (e) {
  failed = e;
} finally {
  await dd(["destroy", "--yes", "--stack", STACK]).catch((e) => console.error(`destroy failed: ${e.message}`));
  await sweepLab(PREFIX);
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.error(`cluster bench: a step failed:\n${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
  process.exit(1);
}
const a = figures["A. nothing → cluster (target ≤ 45 s)"];
const c = figures["C. no-op up (target ≤ 2 s)"];
console.log(`\nnothing → cluster ${s(a)} (limit 45 s: ${a <= 45 ? "met" : "MISSED"}); no-op up ${s(c)} (limit 2 s: ${c <= 2 ? "met" : "MISSED"})`);
