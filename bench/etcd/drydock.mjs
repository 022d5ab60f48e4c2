// The benchmarks' drydock side: a temp copy of an example (etcd-cluster unless told) with a stack
// of its own, and the real CLI run as a child process, its --json events stamped as they arrive.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { kubeStackConfig, labStackConfig } from "../../test/lab/env.mjs";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "drydock.js");
const exampleDir = (name) => join(ROOT, "examples", name);
export const STACK = "bench";

/** A failed CLI run: the command, its exit code and everything it printed. */
export class CliError extends Error {
  constructor(args, code, stdout, stderr, events) {
    const errors = events.filter((e) => e.type === "error" || (e.type === "step" && e.phase === "failed"))
      .map((e) => (e.type === "error" ? `  [${e.kind}] ${e.message}` : `  step failed: ${e.urn}: ${e.error}`));
    const shown = events.length ? errors.join("\n") : stdout.trimEnd();
    super(`drydock ${args.join(" ")} exited ${code}\n--- stderr:\n${stderr.trimEnd()}\n--- ${events.length ? "error events" : "stdout"}:\n${shown}`);
    this.name = "CliError";
  }
}

/** The example program (drydock.yaml, index.ts, nothing else) in a fresh temp folder named `<tmpPrefix>…`. */
export function copyExample(example = "etcd-cluster", tmpPrefix = "ddbe-etcd-") {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  for (const f of ["drydock.yaml", "index.ts"]) copyFileSync(join(exampleDir(example), f), join(dir, f));
  return dir;
}

/** The stack config `node examples/run.mjs <example>` would set, from the example's own stack-config.mjs. */
export async function exampleConfig(example = "etcd-cluster") {
  const { stackConfig } = await import(pathToFileURL(join(exampleDir(example), "stack-config.mjs")).href);
  return stackConfig({ labConfig: labStackConfig, kubeConfig: kubeStackConfig });
}

/**
 * Runs `drydock --cwd dir …args`. With json, adds --json and returns the events, each with
 * `at` (ms since the start). Resolves { ms, stdout, stderr, events }; rejects with CliError.
 */
export function cli(dir, passphrase, args, { input, json = false } = {}) {
  const argv = [BIN, "--cwd", dir, ...(json ? ["--json"] : []), ...args];
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, argv, {
      env: { ...process.env, DRYDOCK_PASSPHRASE: passphrase }, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) p.stdin.end(input);
    let stdout = "", stderr = "", partial = "";
    const events = [];
    p.stdout.on("data", (d) => {
      const at = performance.now() - t0;
      stdout += d;
      if (!json) return;
      const lines = (partial + d).split("\n");
      partial = lines.pop();
      for (const l of lines) if (l.trim()) events.push({ ...JSON.parse(l), at });
    });
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", rej);
    p.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code === 0) res({ ms, stdout, stderr, events });
      else rej(new CliError(args, code, stdout, stderr, events));
    });
  });
}

/** Sets config values through stdin, as examples/run.mjs does (never on a command line). */
export async function configSet(dir, passphrase, values) {
  for (const [key, value] of Object.entries(values)) {
    await cli(dir, passphrase, ["config", "set", key, "--stack", STACK], { input: String(value) });
  }
}

/** The durationMs of the apply pass's done step for this resource type, in seconds. */
export function stepSeconds(events, resourceType) {
  const done = events.filter((e) => e.type === "step" && e.phase === "done" && e.resourceType === resourceType && e.durationMs !== undefined);
  return done.length ? Math.max(...done.map((e) => e.durationMs)) / 1000 : undefined;
}

/** Seconds from the CLI's start until its apply pass began (start-up, program run, plan). */
export function applyStart(events) {
  const p = events.findLast((e) => e.type === "prelude" && e.dryRun === false);
  return p ? p.at / 1000 : undefined;
}
