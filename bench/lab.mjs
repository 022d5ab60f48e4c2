// What the lab benchmarks share: lxc with stdin closed, sweeping what a run left, medians, seconds as
// text, and leaving with a reason.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { readKubeEnv, readLabEnv } from "../test/lab/env.mjs";

const run = promisify(execFile);

export async function lxc(...args) {
  const p = run("lxc", args, { maxBuffer: 1 << 24 });
  p.child.stdin.end();
  return (await p).stdout;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const secs = (x) => (x === undefined ? "   ?  " : `${x.toFixed(2).padStart(5)} s`);

/** Prints "<bench> bench: <message>" and exits with `code`. */
export function quitter(bench) {
  return (message, code) => {
    console.error(`${bench} bench: ${message}`);
    process.exit(code);
  };
}

/** Deletes the lab's instances, then networks and profiles, named `<prefix>-…` (what a run, or a killed one, left); returns their names. */
export async function sweepLab(prefix) {
  const gone = [];
  const instances = (await lxc("list", "--format", "csv", "-c", "n")).split("\n").filter((n) => n.startsWith(`${prefix}-`));
  await Promise.all(instances.map((n) => lxc("delete", "--force", n).then(() => gone.push(n), (e) => console.error(`  could not delete ${n}: ${e.stderr ?? e.message}`))));
  for (const kind of ["network", "profile"]) {
    const left = (await lxc(kind, "list", "--format", "csv")).split("\n").map((l) => l.split(",")[0]).filter((n) => n?.startsWith(`${prefix}-`));
    for (const n of left) await lxc(kind, "delete", n).then(() => gone.push(n), (e) => console.error(`  could not delete ${kind} ${n}: ${e.stderr ?? e.message}`));
  }
  return gone;
}

/** `--cleanup`: what a killed run left in LXD and its temp folders (`<tmpPrefix>…`); prints what went, then exits. */
export async function cleanupAndExit(bench, prefix, tmpPrefix) {
  const gone = await sweepLab(prefix);
  const stale = readdirSync(tmpdir()).filter((f) => f.startsWith(tmpPrefix)).map((f) => join(tmpdir(), f));
  for (const f of stale) rmSync(f, { recursive: true, force: true });
  console.log(`${bench} bench: removed ${gone.join(", ") || "no LXD objects"} and ${stale.length} temp folders`);
  process.exit(0);
}

/**
 * The lab and its release, for a benchmark of a Kubernetes example: exits 2 naming what is missing
 * (the lab, the release, dist/), 1 when instances of a run named `prefix` are still there.
 */
export async function kubeLabOrQuit(bench, prefix, quit) {
  const lab = readLabEnv();
  if (!lab) quit("test/lab/lab.env is missing: bring the host lab up first with `npm run lab:up`", 2);
  const kube = readKubeEnv();
  if (!kube) quit("test/lab/kube.env is missing: build the lab's release first with `npm run lab:kube`", 2);
  if (!existsSync(join(import.meta.dirname, "..", "dist/installer/cli/main.js"))) quit("dist/ is missing: run `npm run build` first", 2);
  const left = (await lxc("list", "--format", "csv", "-c", "n")).split("\n").filter((n) => n.startsWith(`${prefix}-`));
  if (left.length) quit(`LXD instances ${left.join(", ")} exist already (another run, or a killed one): if none is running, \`node bench/${bench}.mjs --cleanup\``, 1);
  return { lab, kube };
}
