// One drydock round through the real CLI: `drydock stack init` (untimed), then
// `drydock up --yes` of the round's project, timed from spawn to exit, with the
// plain output a user gets without a terminal. That output, each line stamped
// as it arrives, splits the time into phases (measured from outside the
// process, so no drydock code changes). --json is not used: it would print
// every 1 MiB content three times (plan, start, done) and slow drydock down.
import { statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runCounted } from "./spawn.mjs";
import { watchCheckpoints } from "./state-writes.mjs";

const BIN = new URL("../../bin/drydock.js", import.meta.url).pathname;

/** Throws with the output's tail unless the CLI exited 0. */
function check(what, r) {
  if (r.code === 0) return;
  throw new Error(`drydock ${what} exited ${r.code}:\n${r.out.trimEnd().split("\n").slice(-15).join("\n")}`);
}

/** Seconds of a bare `drydock --version`: node and the CLI's own modules, nothing else. */
export async function cliStart(env) {
  const t0 = performance.now();
  const r = await runCounted(process.execPath, [BIN, "--version"], { env });
  check("--version", r);
  return (performance.now() - t0) / 1000;
}

/**
 * Where the time between spawn (t0) and exit (t1) went, in seconds, from the
 * arrival times of the plain output's lines: each phase ends where the next starts.
 */
export function phases(lines, t0, t1) {
  const at = (re, last = false) => (last ? lines.findLast(({ line }) => re.test(line)) : lines.find(({ line }) => re.test(line)))?.t;
  const marks = [
    ["CLI start → plan worker ready", at(/^Previewing update of stack/)],
    ["plan: state, providers, program load", at(/^ \+ +\S+ {2}\S+ {2}create/)],
    ["plan: the plan pass itself", at(/^Resources: /)],
    ["apply worker start", at(/^Running update of stack/)],
    ["apply: state, providers, program load", at(/ {2}creating\.\.\.$/)],
    ["apply: steps (SSH work + checkpoints)", at(/ {2}created \(/, true)],
    ["apply: final state write", at(/^Resources: /, true)],
    ["exit (lock release, process end)", t1],
  ];
  const missing = marks.filter(([, t]) => t === undefined).map(([name]) => name);
  if (missing.length) throw new Error(`drydock up: its output lacks a phase marker (${missing.join(", ")})`);
  let prev = t0;
  return marks.map(([name, t]) => {
    const s = (t - prev) / 1000;
    prev = t;
    return [name, s];
  });
}

/**
 * Returns { total: [before, after] probe() samples, init (s), phases, stateBytes,
 * checkpoints: { writes, seconds, last (s) } }.
 * Throws unless every resource was created and every uname output is a Linux uname.
 */
export async function drydockUpRound({ projectDir, stack, hosts, parallel, env, cgroupProcs, probe }) {
  const t0 = performance.now();
  check("stack init", await runCounted(process.execPath, [BIN, "stack", "init", stack], { cwd: projectDir, env }));
  const init = (performance.now() - t0) / 1000;

  const stateDir = join(projectDir, ".drydock", "stacks", "fanout");
  const watching = watchCheckpoints(stateDir, stack);
  const s0 = probe();
  const r = await runCounted(process.execPath, [BIN, "up", "--yes", "--parallel", String(parallel)], { cwd: projectDir, env, cgroupProcs });
  const s1 = probe();
  const checkpoints = watching.stop();
  check("up", r);
  if (!r.out.includes(`Resources: + ${2 * hosts} created, 0 unchanged`)) {
    throw new Error(`drydock up: expected ${2 * hosts} creates:\n${r.out.trimEnd().split("\n").slice(-5).join("\n")}`);
  }
  // Untimed: each Command's stdout, from the state.
  const out = await runCounted(process.execPath, [BIN, "stack", "output", "uname", "--json"], { cwd: projectDir, env });
  check("stack output", out);
  const uname = JSON.parse(out.out);
  if (!Array.isArray(uname) || uname.length !== hosts || !uname.every((u) => /^Linux /.test(u))) {
    throw new Error(`drydock up: the uname output is not ${hosts} Linux unames: ${out.out.slice(0, 200)}`);
  }
  const stateBytes = statSync(join(stateDir, `${stack}.json`)).size;
  const last = checkpoints.spans.at(-1);
  return {
    total: [s0, s1], init, phases: phases(r.lines, s0.t, s1.t), stateBytes,
    checkpoints: { writes: checkpoints.writes, seconds: checkpoints.seconds, last: last ? (last[1] - last[0]) / 1000 : NaN },
  };
}
