#!/usr/bin/env node
// Engine benchmark (issue 2): 1,000 resources on a do-nothing provider.
// Prints, each the median of RUNS runs of the real CLI: preview, a no-op up
// (its plan finds nothing to do, so no apply pass runs), an up that updates
// all 1,000 (plan and apply pass, a checkpoint per step), and the peak RSS of
// the CLI process; the first three against the issue's limits.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = join(root, "bin/drydock.js");
const N = Number(process.env.BENCH_N ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TIME = "/usr/bin/time";
if (!existsSync(TIME)) {
  console.error("bench: GNU time (/usr/bin/time, Debian package `time`) is needed to measure peak RSS");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "drydock-bench-"));
cpSync(join(root, "bench/fixtures/noop"), dir, { recursive: true });
const env = { ...process.env, BENCH_N: String(N), DRYDOCK_PASSPHRASE: "bench" };
let version = 0; // BENCH_VERSION: every resource's value carries it, so a new one updates all N

/** Runs the CLI under GNU time; returns wall seconds and peak RSS in MB. */
function drydock(...args) {
  const r = spawnSync(TIME, ["-f", "%e %M", process.execPath, bin, ...args], { cwd: dir, env: { ...env, BENCH_VERSION: String(version) }, encoding: "utf8" });

  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`drydock ${args.join(" ")} exited ${r.status}`);
  }
  const [wall, kb] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { wall, rssMb: kb / 1024, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  drydock("stack", "init", "bench");
  const create = drydock("up", "--yes");
  if (!create.stdout.includes(`+ ${N} created`)) throw new Error(`expected ${N} creates:\n${create.stdout}`);
  const previews = [];
  const ups = [];
  const updates = [];
  for (let i = 0; i < RUNS; i++) {
    const p = drydock("preview", "--expect-no-changes");
    if (!p.stdout.includes(`Resources: ${N} unchanged`)) throw new Error(`preview was not a no-op:\n${p.stdout}`);
    previews.push(p);
    const u = drydock("up", "--yes", "--expect-no-changes");
    if (!u.stdout.includes("No changes: the stack is up to date.")) throw new Error(`no-op up did not stop after its plan:\n${u.stdout}`);
    ups.push(u);
    version++;
    const all = drydock("up", "--yes");
    if (!all.stdout.includes(`Resources: ~ ${N} updated, 0 unchanged`)) throw new Error(`expected ${N} updates:\n${all.stdout}`);
    updates.push(all);
  }
  const rss = Math.max(...[...previews, ...ups, ...updates, create].map((r) => r.rssMb));
  const rows = [
    ["preview (s)", median(previews.map((r) => r.wall)), 1.0],
    ["no-op up (s), plan pass only", median(ups.map((r) => r.wall)), 2.0],
    [`up updating all ${N} (s)`, median(updates.map((r) => r.wall)), undefined],
    ["peak RSS (MB)", rss, 200],
  ];
  console.log(`drydock engine benchmark: ${N} resources, do-nothing provider, ${cpus().length} cores, median of ${RUNS} runs ` +
    `(load average ${loadavg().map((x) => x.toFixed(2)).join(" ")})`);
  console.log(`first up (creates ${N}): ${create.wall.toFixed(2)} s`);
  for (const [name, v, limit] of rows) {
    console.log(`${name.padEnd(30)} ${v.toFixed(2).padStart(8)}   ${limit === undefined ? "no limit set" : `limit ${limit}   ${v <= limit ? "ok" : "OVER"}`}`);
  }
  console.log("preview and no-op up run one plan pass (no-op up stops there: nothing to apply); " +
    `the update runs a plan pass and an apply pass that calls the provider ${N} times and checkpoints the state as steps finish (writes coalesce)`);
  if (rows.some(([, v, limit]) => limit !== undefined && v > limit)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
