#!/usr/bin/env node
// Fan-out benchmark (issue 3): `uname -a` and a 1 MiB file on 50 SSH endpoints
// (one sshd per network namespace), in the same run, each round:
// - `drydock up` through the real CLI of a generated project with one
//   ssh.Command and one ssh.File per endpoint, on a fresh stack (judged);
// - drydock's SSH transport called in this process (a second, labelled line);
// - `ansible all -f 50 -m shell`, then `-m copy`.
// Prints each round, the medians, the ratios, where `drydock up`'s time went,
// and PASS/FAIL of `drydock up` against the ≥10× target; exits 0 either way, 1
// when the setup or a run failed, 2 when a prerequisite is missing.
// `--cleanup` removes what a killed run left behind.
// FANOUT_HOSTS (default 50) and FANOUT_ROUNDS (default 3) change the size.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { ansibleRound, ansibleSetup, ansibleVersion } from "./fanout/ansible.mjs";
import { cpuGroup, machineBusy, ownCpu } from "./fanout/cpu.mjs";
import { BRIDGE, endpoints, leftovers, removeNetwork, stopMentioning, SUBNET } from "./fanout/endpoints.mjs";
import { writeProject } from "./fanout/project.mjs";
import { roundFigures, roundLine, summary, upFigures } from "./fanout/report.mjs";
import { readLabEnv } from "../test/lab/env.mjs";

const root = new URL("..", import.meta.url).pathname;
const HOSTS = Number(process.env.FANOUT_HOSTS ?? 50);
const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
const TARGET = 10;
const MiB = 1 << 20;
const GROUPS = ["ddfan-endpoints", "ddfan-ansible", "ddfan-drydock"];

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
  for (const g of GROUPS) cpuGroup(g)?.remove();
  const stale = [...readdirSync(tmpdir()).filter((f) => f.startsWith("drydock-fanout-")).map((f) => join(tmpdir(), f)),
    ...readdirSync("/tmp").filter((f) => /^(dd|dd-up|ansible)-fanout-/.test(f)).map((f) => join("/tmp", f))];
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
const { connections, transportRound } = await import("./fanout/transport.mjs");
const { cliStart, drydockUpRound } = await import("./fanout/drydock-up.mjs");

const dir = mkdtempSync(join(tmpdir(), "drydock-fanout-"));
const tag = basename(dir).slice("drydock-fanout-".length);
const remoteTmp = `/tmp/ansible-fanout-${tag}-remote`;
// CPU accounting (n/a where the machine has no usable cgroup): the sshds and
// everything they run, every ansible process with its ssh clients, and the drydock CLI.
const cpu = { endpoints: cpuGroup(GROUPS[0]), ansible: cpuGroup(GROUPS[1]), drydock: cpuGroup(GROUPS[2]) };
const ep = endpoints({ count: HOSTS, dir, user, onSpawn: (pid) => cpu.endpoints?.add(pid) });

/** Files this run put in /tmp (the endpoints share this machine's filesystem). */
function removeOurFiles() {
  for (const f of readdirSync("/tmp")) {
    if (["dd", "dd-up", "ansible"].some((tool) => f.startsWith(`${tool}-fanout-${tag}-`))) rmSync(join("/tmp", f), { recursive: true, force: true });
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
    for (const g of Object.values(cpu)) g?.remove();
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
  const env = { ...process.env, DRYDOCK_PASSPHRASE: `fanout-${tag}` };
  const parallel = 2 * HOSTS;
  console.log(`drydock fan-out benchmark (issue 3): uname -a and a 1 MiB file on ${HOSTS} endpoints`);
  console.log(`endpoints: ${HOSTS} × sshd (${sshdV}) in netns ddfan1..ddfan${HOSTS}, veths on bridge ${BRIDGE}, ` +
    `${hosts[0]}–${hosts.at(-1)} in ${SUBNET}, user ${user}, ed25519 host key ${fingerprint} pinned/checked (up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`the same work on each side: per endpoint \`uname -a\` (its output checked) and one 1 MiB file (the round's fresh payload, ` +
    "checked byte for byte afterwards, untimed); the file goes to a temp name and is moved into place on both sides");
  console.log(`  drydock up: node ${process.version} bin/drydock.js up --yes --parallel ${parallel} (plain output, no terminal) in a generated project ` +
    `(drydock.yaml + index.ts: ${HOSTS} ssh.Command "uname -a" + ${HOSTS} ssh.File, literal Connections with the host key pinned), ` +
    "a fresh project dir and stack each round (`stack init` untimed), passphrase from DRYDOCK_PASSPHRASE");
  console.log(`  transport: the same two operations through drydock's SSH library in this process (uname on all, then upload to all)`);
  console.log(`  ansible:   ${ansibleV} ad-hoc, -f ${HOSTS}, \`-m shell -a 'uname -a'\` then \`-m copy\`, default ssh_args, StrictHostKeyChecking=yes`);
  console.log(`machine: ${cpus().length} cores shared by the tools and the endpoints (load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the start); ` +
    `${ROUNDS} timed round${ROUNDS === 1 ? "" : "s"} after 1 untimed warm-up round; each round transport, drydock up, ansible; fresh connections each round`);
  console.log("each tool reuses, for the file, the connection it opened for uname (drydock's pool, ansible's ControlPersist)");
  console.log(`for scale: a bare \`drydock --version\` (node + the CLI's modules) takes ${(await cliStart(env)).toFixed(2)} s\n`);

  const conns = connections({ hosts, user, key, fingerprint });
  const a = ansibleSetup({ dir, hosts, user, key, publicKey, remoteTmp, cgroupProcs: cpu.ansible?.procs });
  const probe = (controller) => () => ({ t: performance.now(), ctl: controller(), ep: cpu.endpoints?.seconds() ?? NaN, busy: machineBusy() });
  const rounds = [];
  for (let r = 0; r <= ROUNDS; r++) {
    // A fresh payload per round and a path per host and tool (all endpoints share one /tmp), so every upload really transfers.
    // Text (ssh.File content is a string): 1 MiB of base64, the same bytes for every tool.
    const payload = randomBytes((MiB * 3) / 4).toString("base64");
    const bytes = Buffer.from(payload);
    const src = join(dir, `payload-${r}.bin`);
    writeFileSync(src, bytes);
    const path = (tool) => (h) => `/tmp/${tool}-fanout-${tag}-${r}-${h}.bin`;

    const transport = roundFigures(await transportRound(conns, bytes, path("dd"), probe(ownCpu)));
    verifyUploads(bytes, hosts.map(path("dd")));

    const projectDir = writeProject(join(dir, `project-${r}`), { hosts, user, key, fingerprint, payload: src, destFor: path("dd-up") });
    const up = upFigures(await drydockUpRound({
      projectDir, stack: `round${r}`, hosts: HOSTS, parallel, env, cgroupProcs: cpu.drydock?.procs,
      probe: probe(() => cpu.drydock?.seconds() ?? NaN),
    }));
    verifyUploads(bytes, hosts.map(path("dd-up")));

    const ansible = roundFigures(await ansibleRound(a, r, src, path("ansible")("{{ inventory_hostname }}"), probe(() => cpu.ansible?.seconds() ?? NaN)));
    verifyUploads(bytes, hosts.map(path("ansible")));
    rmSync(src);

    console.log(roundLine(r === 0 ? "warm-up" : `round ${r}`, { up, transport, ansible }));
    if (r > 0) rounds.push({ up, transport, ansible });
  }
  console.log(`\n${summary(rounds, TARGET, cpus().length).lines.join("\n")}`);
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
} catch (e) {
  if (!interrupted) console.error(`fanout: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup().catch((e) => {
    console.error(`fanout: cleanup failed: ${e.message}`);
    process.exitCode = 1;
  });
}
