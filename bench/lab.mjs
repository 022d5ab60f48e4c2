// What the lab benchmarks share: lxc with stdin closed, sweeping what a run left, medians, seconds as
// text, and leaving with a reason.
import { execFile } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

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
