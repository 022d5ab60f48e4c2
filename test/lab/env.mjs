// test/lab/lab.env (written by `npm run lab:up`) as an object: the one reader that the tests,
// the benchmarks and the lxd-hosts example's stack config share.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const LAB_ENV = join(import.meta.dirname, "lab.env");

/** The lab's KEY=value lines, or undefined when the lab has not been brought up. */
export function readLabEnv() {
  if (!existsSync(LAB_ENV)) return undefined;
  return Object.fromEntries(readFileSync(LAB_ENV, "utf8").split("\n").filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}
