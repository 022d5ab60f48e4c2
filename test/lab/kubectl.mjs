#!/usr/bin/env node
// The release's own kubectl (from the lab's mirror) against an example's cluster: writes the stack's
// admin kubeconfig to examples/<example>/admin.kubeconfig (mode 0600, gitignored) and runs kubectl
// with the arguments given. Usage: npm run kubectl -- get nodes   (EXAMPLE=cluster STACK=dev by default)
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labKubectl, readKubeEnv } from "./env.mjs";

const root = join(import.meta.dirname, "..", "..");
const example = process.env.EXAMPLE ?? "cluster";
const stack = process.env.STACK ?? "dev";
const kube = readKubeEnv();
if (!kube) { console.error("test/lab/kube.env is missing: run npm run lab:kube first"); process.exit(2); }
const bin = labKubectl(kube);
const dir = join(root, "examples", example);
const passFile = join(dir, ".passphrase");
const auth = process.env.DRYDOCK_PASSPHRASE || !existsSync(passFile) ? [] : ["--passphrase-file", passFile];
const out = spawnSync(process.execPath, [join(root, "bin", "drydock.js"), "--cwd", dir, "stack", "output", "kubeconfig", "--show-secrets", "--stack", stack, ...auth], { encoding: "utf8" });
if (out.status !== 0) { process.stderr.write(out.stderr); process.exit(out.status ?? 1); }
const kubeconfig = join(dir, "admin.kubeconfig");
if (!existsSync(kubeconfig) || readFileSync(kubeconfig, "utf8") !== out.stdout) writeFileSync(kubeconfig, out.stdout, { mode: 0o600 });
chmodSync(kubeconfig, 0o600);
const r = spawnSync(bin, ["--kubeconfig", kubeconfig, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
