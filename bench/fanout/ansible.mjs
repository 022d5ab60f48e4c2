// One ansible round: the same two operations as ad-hoc commands with -f <hosts>,
// host keys checked against a known_hosts file written for this run.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCounted } from "./spawn.mjs";

/**
 * Writes inventory, known_hosts and an empty ansible.cfg under `dir`; returns
 * what a round needs. With `cgroupProcs`, each ansible starts inside that cgroup.
 */
export function ansibleSetup({ dir, hosts, user, key, publicKey, remoteTmp, cgroupProcs }) {
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, hosts.map((h) => `${h} ${publicKey}\n`).join(""));
  const inventory = join(dir, "inventory.ini");
  writeFileSync(inventory, [
    "[fanout]", ...hosts, "", "[fanout:vars]",
    `ansible_user=${user}`,
    `ansible_ssh_private_key_file=${key}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'`,
    "ansible_python_interpreter=/usr/bin/python3", "",
  ].join("\n"));
  const cfg = join(dir, "ansible.cfg");
  writeFileSync(cfg, ""); // no ansible.cfg from the cwd or home changes the run
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: cfg,
    ANSIBLE_HOME: join(dir, "ansible-home"),
    ANSIBLE_LOCAL_TEMP: join(dir, "ansible-local"),
    ANSIBLE_REMOTE_TEMP: remoteTmp,
    ANSIBLE_HOST_KEY_CHECKING: "True",
    ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_DEPRECATION_WARNINGS: "False",
  };
  return { dir, inventory, env, forks: hosts.length, hosts, cgroupProcs };
}

/** Runs `ansible` with args; resolves { code, out } (stdout and stderr together). */
function ansible(a, controlDir, args) {
  return runCounted("ansible", [...args, "-i", a.inventory, "-o", "-f", String(a.forks)], {
    env: { ...a.env, ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir },
    cgroupProcs: a.cgroupProcs,
  });
}

/** Throws with the output's tail unless ansible exited 0 and changed every host. */
function check(what, r, hosts) {
  const changed = new Set(r.out.split("\n").map((l) => /^(\S+) \| CHANGED/.exec(l)?.[1]).filter(Boolean));
  const missing = hosts.filter((h) => !changed.has(h));
  if (r.code === 0 && missing.length === 0) return;
  const tail = r.out.trimEnd().split("\n").slice(-15).join("\n");
  throw new Error(`ansible ${what} exited ${r.code}${missing.length ? `, ${missing.length} hosts not CHANGED (${missing.slice(0, 3).join(", ")}…)` : ""}:\n${tail}`);
}

/**
 * Returns { uname: [before, after], upload: [before, after] } of probe() samples.
 * A fresh ControlPath dir per round: within a round ansible keeps its default
 * ControlPersist (the copy reuses the connection uname opened, as drydock's
 * upload does); no connection carries over to the next round.
 */
export async function ansibleRound(a, round, srcFile, destPattern, probe) {
  const controlDir = join(a.dir, `cp-${round}`);
  mkdirSync(controlDir);
  try {
    const s0 = probe();
    const u = await ansible(a, controlDir, ["all", "-m", "shell", "-a", "uname -a"]);
    const s1 = probe();
    check("-m shell -a 'uname -a'", u, a.hosts);
    const s2 = probe();
    const c = await ansible(a, controlDir, ["all", "-m", "copy", "-a", `src=${srcFile} dest=${destPattern}`]);
    const s3 = probe();
    check("-m copy", c, a.hosts);
    return { uname: [s0, s1], upload: [s2, s3] };
  } finally {
    await closeMasters(controlDir);
    rmSync(controlDir, { recursive: true, force: true });
  }
}

/** Asks each persisted ssh master in `controlDir` to exit. */
async function closeMasters(controlDir) {
  const socks = readdirSync(controlDir).map((s) => join(controlDir, s));
  await Promise.all(socks.map((s) => new Promise((resolve) => {
    spawn("ssh", ["-O", "exit", "-o", `ControlPath=${s}`, "fanout"], { stdio: "ignore" }).on("close", resolve).on("error", resolve);
  })));
}

/** `ansible [core 2.14.18]`. */
export function ansibleVersion() {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn("ansible", ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.on("data", (d) => (out += d));
    child.on("error", () => resolve(undefined));
    child.on("close", (code) => resolve(code === 0 ? out.split("\n")[0] : undefined));
  });
}
