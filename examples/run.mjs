#!/usr/bin/env node
// Runs an example with the real CLI: creates its stack and config on first use, then `drydock up`.
// Usage: node examples/run.mjs <example> [stack]
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
// The host lab's settings (written by `npm run lab:up`): the runner hands them to an example's
// stack-config.mjs, so the example itself needs nothing but the public API.
import { kubeStackConfig, labStackConfig } from "../test/lab/env.mjs";

const name = process.argv[2] ?? "local-files";
const stack = process.argv[3] ?? "dev";
const dir = join(import.meta.dirname, name);
const bin = join(import.meta.dirname, "..", "bin", "drydock.js");
if (!existsSync(join(dir, "drydock.yaml"))) {
  console.error(`no example "${name}" (looked in ${dir})`);
  process.exit(2);
}
// The passphrase for this example's secrets: DRYDOCK_PASSPHRASE, else a random one kept beside it (gitignored, 0600).
const passFile = join(dir, ".passphrase");
if (!process.env.DRYDOCK_PASSPHRASE && !existsSync(passFile)) {
  writeFileSync(passFile, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
}
const auth = process.env.DRYDOCK_PASSPHRASE ? [] : ["--passphrase-file", passFile];

function drydock(args, { quiet = false, input } = {}) {
  const r = spawnSync(process.execPath, [bin, "--cwd", dir, ...args], {
    stdio: [input === undefined ? "inherit" : "pipe", quiet ? "pipe" : "inherit", "inherit"],
    input,
    encoding: "utf8",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout;
}

const stacks = JSON.parse(drydock(["stack", "ls", "--json"], { quiet: true }));
if (!stacks.some((s) => s.name === stack)) {
  drydock(["stack", "init", stack]);
  // The example's stack-config.mjs says what to set; values go on standard input, never on a command line.
  // labConfig reads the lab only when called, so an example that needs no lab runs without one.
  const { stackConfig } = await import(pathToFileURL(join(dir, "stack-config.mjs")).href);
  for (const { key, value, secret } of await stackConfig({ randomBytes, labConfig: labStackConfig, kubeConfig: kubeStackConfig })) {
    drydock(["config", "set", key, ...(secret ? ["--secret"] : []), "--stack", stack, ...auth], { input: String(value) });
  }
}
drydock(["up", "--yes", "--stack", stack, ...auth]);
drydock(["stack", "output", "--stack", stack, ...auth]);
