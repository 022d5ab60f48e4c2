#!/usr/bin/env node
// Fan-out benchmark (issue 3): `uname -a`, then a 1 MiB upload, on 50 SSH
// endpoints (one sshd per network namespace) with drydock's SSH transport and
// with `ansible all -f 50`, alternating in the same run. Prints each round, the
// medians, the ratio ansible/drydock and PASS/FAIL against the ≥10× target;
// exits 0 either way, 1 when the setup or a run failed, 2 when a prerequisite
// is missing. `--cleanup` removes what a killed run left behind.
// FANOUT_HOSTS (default 50) and FANOUT_ROUNDS (default 3) change the size.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { ansibleRound, ansibleSetup, ansibleVersion } from "./fanout/ansible.mjs";
import { cpuGroup, machineBusy, ownCpu } from "./fanout/cpu.mjs";
import { BRIDGE, endpoints, leftovers, removeNetwork, stopMentioning, SUBNET } from "./fanout/endpoints.mjs";
import { roundFigures, roundLine, summary } from "./fanout/report.mjs";
import { readLabEnv } from "../test/lab/env.mjs";

const root = new URL("..", import.meta.url).pathname;
const HOSTS = Number(process.env.FANOUT_HOSTS ?? 50);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
const TARGET = 10;
const MiB = 1 << 20;

function quit(message, code) {
  console.error(`fanout: ${message}`);
  process.exit(code);
}

// Prerequisites, each with what to do about it.
if (!(HOSTS >= 1 && HOSTS <= 200) || !(ROUNDS >= 1)) quit("FANOUT_HOSTS must be 1–200 and FANOUT_ROUNDS ≥ 1", 2);
if (process.getuid() !== 0) quit("run as root: the benchmark creates network namespaces, a bridge and sshd processes", 2);
if (process.argv.includes("--cleanup")) {
  // What a killed run left: processes in our namespaces, the network, cgroups, temp dirs and uploaded files.
  const left = leftovers();
  await removeNetwork(left);
  for (const g of ["ddfan-endpoints", "ddfan-ansible"]) cpuGroup(g)?.remove();
  const stale = [...readdirSync(tmpdir()).filter((f) => f.startsWith("drydock-fanout-")).map((f) => join(tmpdir(), f)),
    ...readdirSync("/tmp").filter((f) => /^(dd|ansible)-fanout-/.test(f)).map((f) => join("/tmp", f))];
  for (const f of stale) rmSync(f, { recursive: true, force: true });
  console.log(`fanout: removed ${left.netns.length} netns${left.bridge ? `, bridge ${BRIDGE}` : ""} and ${stale.length} temp files/dirs`);
  process.exit(0);
}
const lab = readLabEnv();
if (!lab) quit("test/lab/lab.env is missing: bring the host lab up first with `npm run lab:up`", 2);
const user = lab.LAB_SSH_USER;
const key = lab.LAB_SSH_KEY;
if (!user || !key || !existsSync(key)) quit(`lab.env names no usable LAB_SSH_USER/LAB_SSH_KEY (key "${key}"): run \`npm run lab:up\` again`, 2);
if (!existsSync(join(root, "dist/installer/transport/index.js"))) quit("dist/ is missing: run `npm run build` first", 2);
const ansibleV = await ansibleVersion();
if (!ansibleV) quit("ansible is not installed: apt-get install -y ansible", 2);
const sshdV = spawnSync("/usr/sbin/sshd", ["-V"], { encoding: "utf8" }).stderr?.split(",")[0].trim();
if (!sshdV?.startsWith("OpenSSH")) quit("/usr/sbin/sshd is missing: apt-get install -y openssh-server", 2);

const left = leftovers();
if (left.bridge || left.netns.length) {
  quit(`bridge ${BRIDGE} or ddfan* namespaces exist already (another run, or one that was killed): if none is running, \`node bench/fanout.mjs --cleanup\``, 1);
}
const { connections, drydockRound } = await import("./fanout/drydock.mjs");

const dir = mkdtempSync(join(tmpdir(), "drydock-fanout-"));
const tag = basename(dir).slice("drydock-fanout-".length);
const remoteTmp = `/tmp/ansible-fanout-${tag}-remote`;
// CPU accounting (n/a where the machine has no usable cgroup): the sshds and
// everything they run, and every ansible process with its ssh clients.
const cpu = { endpoints: cpuGroup("ddfan-endpoints"), ansible: cpuGroup("ddfan-ansible") };
const ep = endpoints({ count: HOSTS, dir, user, onSpawn: (pid) => cpu.endpoints?.add(pid) });

/** Files this run put in /tmp (the endpoints share this machine's filesystem). */
function removeOurFiles() {
  for (const f of readdirSync("/tmp")) {
    if (f.startsWith(`dd-fanout-${tag}-`) || f.startsWith(`ansible-fanout-${tag}-`)) rmSync(join("/tmp", f), { recursive: true, force: true });
  }
}
let cleaning;
/** Every step runs even when one before it failed; what is left is named. */
const cleanup = () => (cleaning ??= (async () => {
  const problems = [];
  const step = (what, fn) => Promise.resolve().then(fn).catch((e) => { problems.push(`${what}: ${e.message}`); });
  const strays = await step("ending ansible and its ssh masters", () => stopMentioning(dir, ep.pids()));
  const done = await step("stopping the endpoints", () => ep.teardown());
  await step("removing cgroups, files and the temp dir", () => {
    cpu.endpoints?.remove();
    cpu.ansible?.remove();
    removeOurFiles();
    rmSync(dir, { recursive: true, force: true });
  });
  const gone = leftovers();
  if (gone.bridge || gone.netns.length) problems.push(`still there: ${[...gone.netns, gone.bridge ? BRIDGE : ""].join(" ")}`);
  if (problems.length) throw new Error(`${problems.join("; ")} (\`node bench/fanout.mjs --cleanup\` removes what is left)`);
  console.log(`teardown: ${done.sshd} sshd stopped${strays ? `, ${strays} stray processes ended` : ""}, ${done.netns} netns and bridge ${BRIDGE} removed`);
})());
let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`fanout: ${sig}: cleaning up`);
    cleanup().catch((e) => console.error(`fanout: cleanup: ${e.message}`)).finally(() => process.exit(130));
  });
}

/** Every host got exactly `bytes` at its path; the file is removed after the check. */
function verifyUploads(bytes, paths) {
  for (const p of paths) {
    if (!existsSync(p) || !readFileSync(p).equals(bytes)) throw new Error(`${p}: missing or not the uploaded bytes`);
    rmSync(p);
  }
}

try {
  const t0 = Date.now();
  const { hosts, fingerprint, publicKey } = await ep.start();
  console.log(`drydock fan-out benchmark (issue 3): uname -a, then a 1 MiB upload, on ${HOSTS} endpoints`);
  console.log(`endpoints: ${HOSTS} × sshd (${sshdV}) in netns ddfan1..ddfan${HOSTS}, veths on bridge ${BRIDGE}, ` +
    `${hosts[0]}–${hosts.at(-1)} in ${SUBNET}, user ${user}, ed25519 host key ${fingerprint} pinned/checked (up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`tools: drydock transport on node ${process.version}; ${ansibleV} ad-hoc, -f ${HOSTS}, default ssh_args, StrictHostKeyChecking=yes`);
  console.log(`machine: ${cpus().length} cores shared by the tools and the endpoints; ${ROUNDS} timed round${ROUNDS === 1 ? "" : "s"} after 1 untimed warm-up round, ` +
    "each round drydock then ansible, fresh connections each round");
  console.log("within a round both tools reuse the connection uname opened for the upload (drydock's pool, ansible's ControlPersist)\n");

  const conns = connections({ hosts, user, key, fingerprint });
  const a = ansibleSetup({ dir, hosts, user, key, publicKey, remoteTmp, cgroupProcs: cpu.ansible?.procs });
  const probe = (controller) => () => ({ t: performance.now(), ctl: controller(), ep: cpu.endpoints?.seconds() ?? NaN, busy: machineBusy() });
  const rounds = [];
  for (let r = 0; r <= ROUNDS; r++) {
    // A fresh payload per round and a path per host (all endpoints share one /tmp), so every upload really transfers.
    const bytes = randomBytes(MiB);
    const ddPath = (h) => `/tmp/dd-fanout-${tag}-${r}-${h}.bin`;
    const d = roundFigures(await drydockRound(conns, bytes, ddPath, probe(ownCpu)));
    verifyUploads(bytes, hosts.map(ddPath));

    const src = join(dir, `payload-${r}.bin`);
    writeFileSync(src, bytes);
    const anPath = (h) => `/tmp/ansible-fanout-${tag}-${r}-${h}.bin`;
    const an = roundFigures(await ansibleRound(a, r, src, anPath("{{ inventory_hostname }}"), probe(() => cpu.ansible?.seconds() ?? NaN)));
    verifyUploads(bytes, hosts.map(anPath));
    rmSync(src);

    console.log(roundLine(r === 0 ? "warm-up" : `round ${r}`, d, an));
    if (r > 0) rounds.push({ drydock: d, ansible: an });
  }
  console.log(`\n${summary(rounds, TARGET, cpus().length).lines.join("\n")}`);
} catch (e) {
  if (!interrupted) console.error(`fanout: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup().catch((e) => {
    console.error(`fanout: cleanup failed: ${e.message}`);
    process.exitCode = 1;
  });
}
