// What the lab benchmarks share: lxc with stdin closed, medians, seconds as text, and leaving with a reason.
import { execFile } from "node:child_process";
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
