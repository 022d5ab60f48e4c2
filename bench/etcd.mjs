#!/usr/bin/env node
// etcd benchmark (issue targets): (1) ready lab instances → a 3-member etcd with TLS healthy,
// ≤ 5 s; (2) 3 members restored from a `drydock backup` snapshot onto ready instances, ≤ 15 s;
// (3) a no-op `drydock up` of the example (3 instances, etcd) ≤ 1.5 s, with its resource count
// and the time of a `drydock preview`.
// Runs the real examples/etcd-cluster program (a temp copy with its own stack; prefix "ddbe",
// bridge 10.240.0.1/24, the lab's tmpfs pool) through the real CLI. Each round:
//   a. `up` with etcd=false: the instances only (not judged)
//   b. `up` with etcd=true, timed whole (plan + apply)                       → figure 1
//      then the host's etcdctl over mTLS: every endpoint healthy; 200 keys written;
//      then `up` with nothing to do, timed whole                            → figure 3
//      and `preview` (the resource count is the one it prints)
//   c. `drydock backup --out F`
//   d. etcd=false `up` (removes etcd: the members' data is wiped), then etcd=true and
//      restoreFrom=F, `up` timed                                             → figure 2′ (same instances, wiped)
//   e. `destroy --target <instances> --target-dependents`, `up` with etcd=false (new instances,
//      not judged), then etcd=true and restoreFrom=F, `up` timed              → figure 2 (new instances)
//      after each restore, every member must hold the 200 keys of this round.
// Prints each round, then a table of medians against the limits. Exits 0 either way, 1 when a
// step failed (its exact output is printed), 2 when a prerequisite is missing.
// BENCH_ROUNDS (default 3). `--cleanup` removes what a killed run left behind (ddbe-* in LXD).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { applyStart, cli, CliError, configSet, copyExample, exampleConfig, STACK, stepSeconds } from "./etcd/drydock.mjs";
import { hostEtcdctl, KEYS } from "./etcd/etcdctl.mjs";
import { cleanupAndExit, lxc, median, quitter, secs, sweepLab } from "./lab.mjs";
import { readLabEnv } from "../test/lab/env.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const PREFIX = "ddbe";
const SUBNET = "10.240.0.1/24";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ENDPOINTS = 3;
const LIMITS = { fig1: 5, fig2: 15, noop: 1.5 };
/** The parts an etcd.Cluster is made of, for the breakdown of where its time goes. */
const PARTS = { files: "drydock:host:Files", member: "drydock:etcd:Member", service: "drydock:host:Service", voter: "drydock:etcd:Voter", gate: "drydock:host:HealthGate" };
const INSTANCE = "drydock:lxd:Instance";
const s = secs;
const quit = quitter("etcd");

/** Removes this benchmark's LXD objects (ddbe-* instances, the ddbe-br0 bridge); returns what it removed. */

if (process.argv.includes("--cleanup")) await cleanupAndExit("etcd", PREFIX, `${PREFIX}-etcd-`);

// Prerequisites, each with what to do about it.
if (!(ROUNDS >= 1)) quit("BENCH_ROUNDS must be ≥ 1", 2);
const lab = readLabEnv();
if (!lab) quit("test/lab/lab.env is missing: bring the host lab up first with `npm run lab:up`", 2);
if (!existsSync(join(ROOT, "dist/installer/cli/main.js"))) quit("dist/ is missing: run `npm run build` first", 2);
for (const b of ["/usr/bin/etcd", "/usr/bin/etcdctl"]) if (!existsSync(b)) quit(`${b} is missing: apt-get install -y etcd-server etcd-client`, 2);
const lxdLeft = (await lxc("list", "--format", "csv", "-c", "n")).split("\n").filter((n) => n.startsWith(`${PREFIX}-`));
if (lxdLeft.length) quit(`LXD instances ${lxdLeft.join(", ")} exist already (another run, or a killed one): if none is running, \`node bench/etcd.mjs --cleanup\``, 1);
const poolPath = (await lxc("storage", "get", lab.LAB_POOL, "source")).trim();
const poolFs = execFileSync("findmnt", ["-n", "-o", "FSTYPE", "-T", poolPath], { encoding: "utf8" }).trim();

const dir = copyExample();
const pass = randomBytes(24).toString("base64url");
const dd = (args, o) => cli(dir, pass, args, o);
const bytes = (p) => statSync(p).size;
const binMiB = (bytes("/usr/bin/etcd") + bytes("/usr/bin/etcdctl")) / (1 << 20);
let restoreSet = false;
let instanceUrns = [];

async function setEtcd(on, restoreFrom) {
  await configSet(dir, pass, { etcd: String(on), ...(restoreFrom ? { restoreFrom } : {}) });
  if (!restoreFrom && restoreSet) await dd(["config", "rm", "restoreFrom", "--stack", STACK]);
  restoreSet = Boolean(restoreFrom);
}

/** `up --yes` with events; remembers the instances' URNs. */
async function up() {
  const r = await dd(["up", "--yes", "--stack", STACK], { json: true });
  const urns = [...new Set(r.events.filter((e) => e.type === "step" && e.resourceType === INSTANCE && e.op !== "delete").map((e) => e.urn))];
  if (urns.length) instanceUrns = urns;
  return r;
}

async function etcdctlNow(tag) {
  const o = JSON.parse((await dd(["--json", "stack", "output", "--show-secrets", "--stack", STACK])).stdout);
  return hostEtcdctl(mkdtempSync(join(dir, `pem-${tag}-`)), o);
}

/** After a restore: healthy from the host, every member holds this round's KEYS keys. */
async function checkRestored(tag, round) {
  const ctl = await etcdctlNow(tag);
  await ctl.checkHealthy();
  const counts = await ctl.countKeys();
  if (counts.some((c) => c !== KEYS)) throw new Error(`${tag}: keys per member after the restore: ${counts.join(", ")} (want ${KEYS} each)`);
  const v = await ctl.value(KEYS - 1);
  if (v !== `r${round}-${KEYS - 1}`) throw new Error(`${tag}: key ${KEYS - 1} holds "${v}", not this round's "r${round}-${KEYS - 1}"`);
  return counts;
}

let stopping = false;
process.on("SIGINT", () => {
  stopping = true;
});

const rows = [];
let etcdVersion = "?";
let failed;
try {
  await dd(["stack", "init", STACK]);
  const values = Object.fromEntries((await exampleConfig()).map(({ key, value }) => [key, value]));
  await configSet(dir, pass, { ...values, prefix: PREFIX, subnet: SUBNET, pool: lab.LAB_POOL, etcd: "false" });
  console.log(`etcd: examples/etcd-cluster in ${dir}, stack ${STACK}, prefix ${PREFIX}, bridge ${SUBNET}`);
  console.log(`      pool ${lab.LAB_POOL} (${poolFs} at ${poolPath}), image ${lab.LAB_IMAGE}; etcd+etcdctl ${binMiB.toFixed(1)} MiB per member; ${ROUNDS} rounds`);

  for (let r = 1; r <= ROUNDS && !stopping; r++) {
    const row = { round: r, load: loadavg()[0] };
    // a. ready instances, no etcd (round 1: created; later rounds: etcd removed from them)
    await setEtcd(false);
    row.bare = (await up()).ms / 1000;

    // b. figure 1
    await setEtcd(true);
    const f1 = await up();
    row.fig1 = f1.ms / 1000;
    row.fig1Pre = applyStart(f1.events);
    for (const [k, t] of Object.entries(PARTS)) row[`fig1_${k}`] = stepSeconds(f1.events, t);
    const ctl = await etcdctlNow(`r${r}`);
    etcdVersion = await ctl.checkHealthy();
    await ctl.writeKeys(`r${r}`);
    const written = await ctl.countKeys();
    if (written.some((c) => c !== KEYS)) throw new Error(`round ${r}: keys per member after writing: ${written.join(", ")}`);

    // figure 3: nothing to do
    const noop = await dd(["up", "--yes", "--stack", STACK]);
    if (!/No changes/.test(noop.stdout)) throw new Error(`round ${r}: the second up was not a no-op:\n${noop.stdout}`);
    row.noop = noop.ms / 1000;
    const pv = await dd(["preview", "--stack", STACK]);
    row.preview = pv.ms / 1000;
    row.resources = Number(/Resources: (\d+) unchanged/.exec(pv.stdout)?.[1]);

    // c. backup
    const file = join(dir, `backup-r${r}.tar`);
    row.backup = (await dd(["backup", "--out", file, "--stack", STACK])).ms / 1000;

    // d. restore onto the same instances, etcd wiped from them first
    await setEtcd(false);
    const w = await up();
    row.wipe = w.ms / 1000;
    row.wipeStep = stepSeconds(w.events, PARTS.voter);
    await setEtcd(true, file);
    const f2w = await up();
    row.fig2same = f2w.ms / 1000;
    row.fig2sameMember = stepSeconds(f2w.events, PARTS.member);
    await checkRestored(`r${r}-same`, r);

    // e. restore onto new instances: the old ones destroyed (with the cluster), new ones made first
    await dd(["destroy", "--yes", "--stack", STACK, "--target-dependents", ...instanceUrns.flatMap((u) => ["--target", u])]);
    await setEtcd(false);
    row.fresh = (await up()).ms / 1000;
    await setEtcd(true, file);
    const f2n = await up();
    row.fig2new = f2n.ms / 1000;
    row.fig2newFiles = stepSeconds(f2n.events, PARTS.files);
    row.fig2newMember = stepSeconds(f2n.events, PARTS.member);
    await checkRestored(`r${r}-new`, r);

    rows.push(row);
    console.log(`  round ${r} (load ${row.load.toFixed(1)}): instances ${s(row.bare)} | fig 1 ${s(row.fig1)} (apply starts at ${s(row.fig1Pre)}; longest files ${s(row.fig1_files)}, service ${s(row.fig1_service)}, gate ${s(row.fig1_gate)})`
      + ` | no-op up ${s(row.noop)}, preview ${s(row.preview)} (${row.resources} resources)`
      + ` | backup ${s(row.backup)} | wipe ${s(row.wipe)} (longest voter delete ${s(row.wipeStep)}) → restore same ${s(row.fig2same)} (longest member ${s(row.fig2sameMember)})`
      + ` | new instances ${s(row.fresh)} → restore new ${s(row.fig2new)} (longest files ${s(row.fig2newFiles)}, member ${s(row.fig2newMember)})`);
  }
} catch (e) {
  failed = e;
  console.error(`\netcd bench: a step failed:\n${e instanceof CliError ? e.message : e.stack ?? e}`);
} finally {
  const cleanup = [];
  await dd(["destroy", "--yes", "--stack", STACK]).catch((e) => cleanup.push(`drydock destroy failed:\n${e.message}`));
  await dd(["stack", "rm", "--force", STACK]).catch((e) => cleanup.push(`drydock stack rm failed:\n${e.message}`));
  const left = await sweepLab(PREFIX);
  if (left.length) cleanup.push(`removed by lxc after drydock: ${left.join(", ")}`);
  rmSync(dir, { recursive: true, force: true });
  if (cleanup.length) console.error(`cleanup:\n  ${cleanup.join("\n  ")}`);
}

if (rows.length) {
  const m = (k) => median(rows.map((r) => r[k]).filter((x) => x !== undefined));
  const judged = (name, k, limit) => {
    const v = m(k);
    return `  ${name.padEnd(68)} ${s(v).padStart(8)}   ≤ ${String(limit).padStart(2)} s   ${v <= limit ? "PASS" : "FAIL"}`;
  };
  const info = (name, k) => `  ${name.padEnd(68)} ${s(m(k)).padStart(8)}`;
  console.log(`\n  ${`median of ${rows.length} round(s); wall clock of the whole CLI run`.padEnd(68)}   median    limit   result`);
  console.log(judged("1. ready instances → 3-member etcd, TLS, healthy (drydock up)", "fig1", LIMITS.fig1));
  console.log(judged("2. restore 3 members onto NEW ready instances (drydock up)", "fig2new", LIMITS.fig2));
  console.log(judged("2′. restore 3 members onto the same instances, etcd wiped", "fig2same", LIMITS.fig2));
  console.log(judged("3. no-op up of the example (3 instances, etcd)", "noop", LIMITS.noop));
  console.log(info("   preview of the example", "preview"));
  console.log(`  ${"   resources in the example (preview's count)".padEnd(68)} ${String(m("resources")).padStart(8)}`);
  console.log(info("   fig 1: CLI start-up + program + plan, until the apply pass", "fig1Pre"));
  console.log(info(`   fig 1: longest host.Files step (${binMiB.toFixed(0)} MiB binaries, certs, scripts)`, "fig1_files"));
  console.log(info("   fig 1: longest etcd.Member step (data dir, bootstrap settings)", "fig1_member"));
  console.log(info("   fig 1: longest host.Service step (unit, start --no-block)", "fig1_service"));
  console.log(info("   fig 1: longest health gate (a member ready, or the cluster healthy)", "fig1_gate"));
  console.log(info("   fig 2: longest host.Files step", "fig2newFiles"));
  console.log(info("   fig 2: longest etcd.Member step (snapshot upload + etcdctl snapshot restore)", "fig2newMember"));
  console.log(info("   not judged: up, etcd=false (round 1 creates the instances)", "bare"));
  console.log(info("   not judged: drydock backup --out F", "backup"));
  console.log(info("   not judged: up with etcd=false removing etcd (wipe)", "wipe"));
  console.log(info("   not judged: up with etcd=false making new instances", "fresh"));
  console.log(`  pool ${lab.LAB_POOL}: ${poolFs}; etcd server version ${etcdVersion} (Debian's /usr/bin/etcd, file://)`);
  console.log(`  checked with the host's etcdctl over mTLS: endpoint health on all ${ENDPOINTS} endpoints after figure 1 and each restore; ${KEYS} keys written, then ${KEYS} on every member after each restore`);
  console.log("  breakdown: the durationMs of each part's steps (--json events); members' steps run one after another where the graph chains them");
}
process.exit(failed ? 1 : 0);
