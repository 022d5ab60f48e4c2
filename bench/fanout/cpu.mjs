// CPU seconds by who spent them. The endpoints run on the same cores as the
// tool under test, so the benchmark reports the controller's and the
// endpoints' CPU apart: a cgroup per group (v1 cpuacct or v2 cpu.stat), the
// whole machine's busy time from /proc/stat, and the node process's own.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const V1 = "/sys/fs/cgroup/cpuacct";
const V2 = "/sys/fs/cgroup";
const USER_HZ = 100; // /proc/stat ticks (fixed at 100 on Linux)

/**
 * A cgroup named `name` whose processes' (and their descendants') CPU time can
 * be read; undefined where this machine has no usable cgroup (figures show n/a).
 */
export function cpuGroup(name) {
  let dir;
  let seconds;
  if (existsSync(join(V1, "cpuacct.usage"))) {
    dir = join(V1, name);
    seconds = () => Number(readFileSync(join(dir, "cpuacct.usage"), "utf8")) / 1e9;
  } else if (existsSync(join(V2, "cgroup.controllers"))) {
    dir = join(V2, name);
    seconds = () => Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, "cpu.stat"), "utf8"))[1]) / 1e6;
  } else return undefined;
  try {
    mkdirSync(dir, { recursive: true });
    seconds();
  } catch {
    return undefined;
  }
  const procs = join(dir, "cgroup.procs");
  return {
    procs,
    /** Moves `pid` in; what it starts afterwards is counted too. */
    add: (pid) => writeFileSync(procs, String(pid)),
    seconds,
    /** Removes the group once its processes have ended. */
    remove: () => { try { rmdirSync(dir); } catch {} },
  };
}

/** Busy CPU seconds of the whole machine since boot (all cores). */
export function machineBusy() {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks; // idle and iowait left out
  return (user + nice + system + irq + softirq + steal) / USER_HZ;
}

/** This node process's CPU seconds (drydock's controller side: the bench does nothing else while timing). */
export function ownCpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
