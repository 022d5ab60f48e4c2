#!/usr/bin/env node
// Nothing → N SSH-ready lab instances: `drydock up` of N lxd.Instance resources vs raw
// `lxc launch` + authorized key + waiting for an address and an SSH login, for the same N,
// alternating in the same run. Both put root disks on the lab's tmpfs pool.
// Usage: node bench/lxd-launch.mjs [N...]   (default 3 10; BENCH_ROUNDS=3)
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { readLabEnv } from "../test/lab/env.mjs";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "drydock.js");
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const N_LIST = sizes.length ? sizes : [3, 10];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PREFIX = "dd-bench";

const lab = readLabEnv();
if (!lab) {
  console.error("no test/lab/lab.env: bring the lab up first (npm run lab:up)");
  process.exit(2);
}
const pubKey = readFileSync(`${lab.LAB_SSH_KEY}.pub`, "utf8").trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** lxc with stdin closed: `lxc launch` reads instance config from a stdin that is not a terminal. */
async function lxc(...args) {
  const p = run("lxc", args, { maxBuffer: 1 << 24 });
  p.child.stdin.end();
  return (await p).stdout;
}

async function sweep() {
  const names = (await lxc("list", "--format", "csv", "-c", "n")).split("\n").filter((n) => n.startsWith(PREFIX));
  await Promise.all(names.map((n) => lxc("delete", "--force", n).catch(() => {})));
}

/** The raw way: lxc launch, push the key, poll for an address, poll until ssh logs in (through the lab sshd). */
async function raw(n) {
  const keyFile = join(tmpdir(), `${PREFIX}-key.pub`);
  writeFileSync(keyFile, `${pubKey}\n`);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const name = `${PREFIX}-raw-${i}`;
    await lxc("launch", lab.LAB_IMAGE, name, "-s", lab.LAB_POOL);
    await lxc("file", "push", "--create-dirs", "--mode", "0600", keyFile, `${name}/root/.ssh/authorized_keys`);
    let ip;
    while (!ip) {
      ip = (await lxc("list", name, "--format", "csv", "-c", "4")).match(/(\d+\.\d+\.\d+\.\d+) \(eth0\)/)?.[1];
      if (!ip) await sleep(100);
    }
    for (;;) {
      const ok = await run("ssh", [
        "-n", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-i", lab.LAB_SSH_KEY,
        "-o", `ProxyCommand=ssh -i ${lab.LAB_SSH_KEY} -o UserKnownHostsFile=${lab.LAB_SSH_KNOWN_HOSTS} -o StrictHostKeyChecking=yes -p ${lab.LAB_SSH_PORT} -W %h:%p ${lab.LAB_SSH_USER}@${lab.LAB_SSH_HOST}`,
        `root@${ip}`, "true",
      ]).then(() => true, () => false);
      if (ok) break;
      await sleep(100);
    }
  }));
  return (performance.now() - t0) / 1000;
}

function cli(dir, args) {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, DRYDOCK_PASSPHRASE: "bench-passphrase" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? res(out) : rej(new Error(`drydock ${args.join(" ")} exited ${code}:\n${out.slice(-2000)}`))));
  });
}

/** The drydock way: `drydock up` of a program declaring n instances (plan and apply, CLI start-up included). */
async function drydock(n) {
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}-`));
  try {
    writeFileSync(join(dir, "drydock.yaml"), "name: bench\nmain: index.ts\n");
    writeFileSync(join(dir, "index.ts"), `import { lxd, ssh } from "drydock";
const host = new ssh.Host("lab", { address: ${JSON.stringify(lab.LAB_SSH_HOST)}, port: ${lab.LAB_SSH_PORT}, user: ${JSON.stringify(lab.LAB_SSH_USER)},
  privateKeyPath: ${JSON.stringify(lab.LAB_SSH_KEY)}, hostKey: ${JSON.stringify(lab.LAB_SSH_HOSTKEY)} });
const remote = new lxd.Remote("lab", { host });
for (let i = 0; i < ${n}; i++) {
  new lxd.Instance("node-" + i, { remote, name: "${PREFIX}-dd-" + i, image: ${JSON.stringify(lab.LAB_IMAGE)},
    rootDisk: { pool: ${JSON.stringify(lab.LAB_POOL)} }, authorizedKeys: [${JSON.stringify(pubKey)}] });
}
`);
    await cli(dir, ["stack", "init", "bench"]);
    const t0 = performance.now();
    await cli(dir, ["up", "--yes", "--parallel", "32"]);
    const s = (performance.now() - t0) / 1000;
    await cli(dir, ["destroy", "--yes"]);
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let stopping = false;
process.on("SIGINT", () => {
  stopping = true;
});

try {
  await sweep();
  console.log(`lxd-launch: nothing → N SSH-ready instances; pool ${lab.LAB_POOL} (dir on tmpfs); image ${lab.LAB_IMAGE}; ${ROUNDS} rounds, alternating`);
  const rows = [];
  for (const n of N_LIST) {
    const t = { raw: [], drydock: [] };
    for (let r = 0; r < ROUNDS && !stopping; r++) {
      t.raw.push(await raw(n));
      await sweep();
      await sleep(500);
      t.drydock.push(await drydock(n));
      await sweep();
      await sleep(500);
      console.log(`  N=${n} round ${r + 1}: raw ${t.raw.at(-1).toFixed(2)} s, drydock ${t.drydock.at(-1).toFixed(2)} s`);
    }
    const ratio = median(t.drydock) / median(t.raw);
    rows.push({ n, raw: median(t.raw), drydock: median(t.drydock), ratio });
  }
  console.log("\n   N   raw lxc launch + ssh (median)   drydock up (median)   drydock/raw   target ≤ 1.2");
  for (const r of rows) {
    console.log(`  ${String(r.n).padStart(2)}   ${r.raw.toFixed(2).padStart(27)} s   ${r.drydock.toFixed(2).padStart(17)} s   ${r.ratio.toFixed(2).padStart(11)}   ${r.ratio <= 1.2 ? "PASS" : "FAIL"}`);
  }
} finally {
  await sweep();
}
