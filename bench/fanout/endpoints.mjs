// SSH endpoints for the fan-out benchmark: one bridge, N network namespaces
// with a veth into it, one sshd per namespace. Everything is named ddfan*,
// and teardown() removes it all again, also after a failed or interrupted setup.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";

export const BRIDGE = "ddfan0";
export const SUBNET = "10.230.0.0/24";
const GATEWAY = "10.230.0.1/24";
const SSHD = "/usr/sbin/sshd";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; throws with its stderr when it fails. */
export function sh(cmd, ...args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Leftovers of an earlier run that died without its teardown (SIGKILL). */
export function leftovers() {
  const netns = sh("ip", "netns", "list").split("\n").map((l) => l.split(" ")[0]).filter((n) => /^ddfan\d+$/.test(n));
  const bridge = sh("ip", "-br", "link", "show").split("\n").some((l) => l.split(/[\s@]/)[0] === BRIDGE);
  return { netns, bridge };
}

/** Running (not gone, not a zombie); a process may vanish while we look. */
function alive(pid) {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Ends the processes still in our namespaces (sshd session children), by PID, then deletes the namespaces and the bridge. */
export async function removeNetwork({ netns, bridge }) {
  const pids = netns.flatMap((ns) => sh("ip", "netns", "pids", ns).split("\n").filter(Boolean).map(Number));
  await stop(pids);
  for (const ns of netns) sh("ip", "netns", "del", ns); // takes the veth pair with it
  if (bridge) sh("ip", "link", "del", BRIDGE);
}

/** SIGTERM, a grace period, then SIGKILL for what is left. */
export async function stop(pids, exited = new Map()) {
  const live = () => pids.filter((p) => (exited.has(p) ? !exited.get(p).done : alive(p)));
  for (const p of live()) try { process.kill(p, "SIGTERM"); } catch {}
  for (let i = 0; i < 30 && live().length; i++) await sleep(100);
  for (const p of live()) try { process.kill(p, "SIGKILL"); } catch {}
  for (let i = 0; i < 20 && live().length; i++) await sleep(100);
  if (live().length) throw new Error(`processes did not end: ${live().join(" ")}`);
}

/**
 * `count` endpoints under `dir` (a private temp dir); onSpawn(pid) sees each
 * sshd before it serves anyone. teardown() is usable at any time, before,
 * during or after start(), and only once does the work.
 */
export function endpoints({ count, dir, user, onSpawn = () => {} }) {
  const created = { netns: [], bridge: false };
  const sshds = []; // { pid, state: { done }, ns, ip, log }
  let runDirMade = false;
  let tornDown;
  const teardown = () => (tornDown ??= (async () => {
    const errors = [];
    await stop(sshds.map((s) => s.pid), new Map(sshds.map((s) => [s.pid, s.state]))).catch((e) => errors.push(e.message));
    await removeNetwork(created).catch((e) => errors.push(e.message));
    if (runDirMade) try { rmdirSync("/run/sshd"); } catch {}
    if (errors.length) throw new Error(errors.join("; "));
    return { sshd: sshds.length, netns: created.netns.length };
  })());

  /** Brings them up; resolves { hosts: [ip…], fingerprint, publicKey } once every sshd answers. */
  async function start() {
    // A host key made for this run: the clients pin its fingerprint.
    const key = join(dir, "ssh_host_ed25519_key");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "drydock-fanout", "-f", key);
    const fingerprint = sh("ssh-keygen", "-lf", `${key}.pub`).split(" ")[1];
    const publicKey = readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    const config = join(dir, "sshd_config");
    writeFileSync(config, [
      "Port 22", `HostKey ${key}`, "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes", "AuthorizedKeysFile .ssh/authorized_keys", `AllowUsers ${user}`, "PermitRootLogin no",
      "UseDNS no", "MaxStartups 200:30:400", "MaxSessions 64", "PrintMotd no", "PrintLastLog no", "LogLevel ERROR",
      "Subsystem sftp /usr/lib/openssh/sftp-server", "",
    ].join("\n"), { mode: 0o600 });
    if (!existsSync("/run/sshd")) { mkdirSync("/run/sshd", { mode: 0o755 }); runDirMade = true; }

    sh("ip", "link", "add", BRIDGE, "type", "bridge");
    created.bridge = true;
    sh("ip", "addr", "add", GATEWAY, "dev", BRIDGE);
    sh("ip", "link", "set", BRIDGE, "up");
    for (let i = 1; i <= count; i++) {
      const ns = `ddfan${i}`;
      const ip = `10.230.0.${10 + i}`;
      sh("ip", "netns", "add", ns);
      created.netns.push(ns);
      sh("ip", "link", "add", `${ns}h`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      sh("ip", "link", "set", `${ns}h`, "master", BRIDGE, "up");
      sh("ip", "-n", ns, "addr", "add", `${ip}/24`, "dev", "eth0");
      sh("ip", "-n", ns, "link", "set", "eth0", "up");
      sh("ip", "-n", ns, "link", "set", "lo", "up");
      // `ip netns exec` execs sshd in place, so the child's PID is sshd's; -D keeps it in the foreground.
      const log = join(dir, `sshd-${i}.log`);
      const fd = openSync(log, "a");
      const child = spawn("ip", ["netns", "exec", ns, SSHD, "-D", "-e", "-f", config,
        "-o", `ListenAddress=${ip}`, "-o", `PidFile=${join(dir, `sshd-${i}.pid`)}`],
      { stdio: ["ignore", fd, fd], detached: true });
      closeSync(fd);
      onSpawn(child.pid);
      const state = { done: false };
      child.on("exit", () => { state.done = true; });
      child.on("error", () => { state.done = true; });
      sshds.push({ pid: child.pid, state, ns, ip, log });
    }
    await Promise.all(sshds.map(waitForSsh));
    return { hosts: sshds.map((s) => s.ip), fingerprint, publicKey };
  }
  return { start, teardown, pids: () => sshds.map((s) => s.pid) };
}

/** Resolves when the endpoint accepts TCP on port 22 and sends its SSH banner. */
async function waitForSsh(s) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (s.state.done) throw new Error(`sshd in ${s.ns} exited: ${readFileSync(s.log, "utf8").trim().split("\n").slice(-5).join(" | ")}`);
    const banner = await new Promise((resolve) => {
      const sock = connect({ host: s.ip, port: 22, timeout: 1000 });
      sock.once("data", (d) => { sock.destroy(); resolve(d.toString()); });
      sock.once("error", () => resolve(""));
      sock.once("timeout", () => { sock.destroy(); resolve(""); });
    });
    if (banner.startsWith("SSH-")) return;
    if (Date.now() > deadline) throw new Error(`sshd in ${s.ns} (${s.ip}:22) did not answer within 15 s`);
    await sleep(100);
  }
}

/** Ends processes besides `except` whose command line mentions `needle` (our temp dir: ansible, ssh masters). */
export async function stopMentioning(needle, except = []) {
  const skip = new Set([process.pid, ...except]);
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && !skip.has(Number(p))).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(needle); } catch { return false; }
  }).map(Number);
  await stop(pids);
  return pids.length;
}
