#!/usr/bin/env node
// Node benchmark (issue targets): ready lab instances → Kubernetes nodes running their static
// agnhost pod: ≤ 10 s for one node, ≤ 15 s for three in parallel, on the lab's tmpfs pool.
// Runs the real examples/kube-node program (a temp copy with its own stack; prefix "ddbn",
// bridge 10.243.0.1/24, the lab's release mirror) through the real CLI. For 1 node, then 3,
// each round:
//   a. `up` with kubernetes=false: the instances only (round 1: created; later: node removed), not judged
//   b. `up` with kubernetes=true, timed whole (plan + apply): the release resolved, ~200 MB of
//      binaries and images uploaded and checked, containerd, the image imports, kubelet, and
//      the static pod running (the example's gate waits for it)                          → the figure
//      then, from the host, an HTTP GET to each node's pod IP must answer.
// Prints each round with the breakdown (per part, the slowest node), then medians against the
// limits. Round 1 downloads the artifacts from the mirror into an empty cache; later rounds
// find them cached (as every run after a user's first would). Exits 0 either way, 1 when a
// step failed (its output is printed), 2 when a prerequisite is missing.
// BENCH_ROUNDS (default 3). `--cleanup` removes what a killed run left behind (ddbn-* in LXD).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { applyStart, cli, configSet, copyExample, exampleConfig, STACK } from "./etcd/drydock.mjs";
import { cleanupAndExit, kubeLabOrQuit, lxc, median, quitter, secs, sweepLab } from "./lab.mjs";

const PREFIX = "ddbn";
const SUBNET = "10.243.0.1/24";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LIMITS = { 1: 10, 3: 15 };
/** The parts of a kubernetes.Node, by the suffix of their resource name, in the order they run. */
const PARTS = ["binaries", "config", "state", "containerd", "images", "static-pods", "kubelet", "kubelet-healthy", "static-pods-running"];
const s = secs;
const quit = quitter("node");


if (process.argv.includes("--cleanup")) await cleanupAndExit("node", PREFIX, `${PREFIX}-node-`);

if (!(ROUNDS >= 1)) quit("BENCH_ROUNDS must be ≥ 1", 2);
const { lab, kube } = await kubeLabOrQuit("node", PREFIX, quit);

const dir = copyExample("kube-node", `${PREFIX}-node-`);
const cache = mkdtempSync(join(tmpdir(), `${PREFIX}-node-cache-`));
process.env.DRYDOCK_CACHE_DIR = cache; // round 1 downloads into an empty cache
const pass = randomBytes(24).toString("base64url");
const dd = (args, o) => cli(dir, pass, args, o);

/** Per part, the slowest node's duration of its done step, in seconds. */
function breakdown(events) {
  const out = {};
  for (const part of PARTS) {
    const re = new RegExp(`^${PREFIX}-node-\\d+-${part}$`);
    const ms = events.filter((e) => e.type === "step" && e.phase === "done" && re.test(e.name ?? "") && e.durationMs !== undefined).map((e) => e.durationMs);
    if (ms.length) out[part] = Math.max(...ms) / 1000;
  }
  const rel = events.find((e) => e.type === "step" && e.phase === "done" && e.resourceType === "drydock:kubernetes:Release");
  if (rel?.durationMs !== undefined) out.release = rel.durationMs / 1000;
  return out;
}

/** From the host, through the node: each node's static pod answers /hostname on its pod IP. */
async function podsAnswer(count) {
  for (let k = 1; k <= count; k++) {
    const node = `${PREFIX}-node-${k}`;
    const out = await lxc("exec", node, "--", "bash", "-c",
      "ip=$(crictl inspectp -o go-template --template '{{.status.network.ip}}' $(crictl pods -q --name '^agnhost-' --state ready | head -n1)) && exec 3<>/dev/tcp/$ip/8080 && printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' >&3 && tail -n1 <&3");
    if (out.trim() !== `agnhost-${node}`) throw new Error(`${node}: the pod answered ${JSON.stringify(out)}`);
  }
}

/** Bytes a node is given: its binaries and the image archives, as they are on the node. */
async function installedMiB() {
  const out = await lxc("exec", `${PREFIX}-node-1`, "--", "sh", "-c",
    "du -cb /usr/local/bin/containerd /usr/local/bin/containerd-shim-runc-v2 /usr/local/bin/ctr /usr/local/bin/crictl /usr/local/bin/kubelet /usr/local/sbin/runc /opt/cni/bin/* | tail -n1");
  return Number(out.split(/\s+/)[0]) / (1 << 20);
}

let stopping = false;
process.on("SIGINT", () => { stopping = true; });
const rows = [];
let failed;
try {
  await dd(["stack", "init", STACK]);
  const values = Object.fromEntries((await exampleConfig("kube-node")).map(({ key, value }) => [key, value]));
  await configSet(dir, pass, { ...values, prefix: PREFIX, subnet: SUBNET, pool: lab.LAB_POOL, kubernetes: "false" });
  console.log(`node: examples/kube-node in ${dir}, stack ${STACK}, prefix ${PREFIX}, bridge ${SUBNET}, pool ${lab.LAB_POOL}`);
  console.log(`      Kubernetes ${kube.LAB_KUBE_VERSION} from ${kube.LAB_KUBE_MIRROR}; ${ROUNDS} rounds for 1 node, then 3`);
  for (const count of [1, 3]) {
    await configSet(dir, pass, { nodes: String(count) });
    for (let r = 1; r <= ROUNDS && !stopping; r++) {
      const row = { count, round: r, load: loadavg()[0] };
      await configSet(dir, pass, { kubernetes: "false" });
      row.bare = (await dd(["up", "--yes", "--stack", STACK], { json: true })).ms / 1000;
      await configSet(dir, pass, { kubernetes: "true" });
      const t = await dd(["up", "--yes", "--stack", STACK], { json: true });
      row.total = t.ms / 1000;
      row.pre = applyStart(t.events);
      row.parts = breakdown(t.events);
      await podsAnswer(count);
      if (row.mib === undefined) row.mib = await installedMiB();
      rows.push(row);
      const p = row.parts;
      console.log(`  ${count} node${count > 1 ? "s" : " "} round ${r}: ${s(row.total)}  (load ${row.load.toFixed(1)}; instances only ${s(row.bare)})`);
      console.log(`      start-up+plan ${s(row.pre)}, release ${s(p.release)}; per node (slowest): ${PARTS.map((k) => `${k} ${s(p[k])}`).join(", ")}`);
    }
  }
} catch (e) {
  failed = e;
} finally {
  await dd(["destroy", "--yes", "--stack", STACK]).catch((e) => console.error(`destroy failed: ${e.message}`));
  await sweepLab(PREFIX);
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
}
if (failed) {
  console.error(`node bench: a step failed:\n${failed.message}`);
  process.exit(1);
}

console.log("\nmedian over rounds (round 1 with an empty artifact cache):");
for (const count of [1, 3]) {
  const mine = rows.filter((r) => r.count === count);
  if (!mine.length) continue;
  const m = median(mine.map((r) => r.total));
  const parts = Object.fromEntries([...PARTS, "release"].map((k) => [k, median(mine.map((r) => r.parts[k] ?? 0))]));
  console.log(`  ${count} node${count > 1 ? "s" : " "}: ${s(m)}  (limit ${LIMITS[count]} s: ${m <= LIMITS[count] ? "met" : "MISSED"}); first round ${s(mine[0].total)}`);
  console.log(`      start-up+plan ${s(median(mine.map((r) => r.pre ?? 0)))}, release ${s(parts.release)}, ${PARTS.map((k) => `${k} ${s(parts[k])}`).join(", ")}`);
}
console.log(`  binaries on each node: ${rows[0]?.mib?.toFixed(0) ?? "?"} MiB, plus the pause and agnhost image archives`);
