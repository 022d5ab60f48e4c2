/**
 * The host lab (npm run lab:up) as tests see it: its SSH endpoint from
 * test/lab/lab.env, an `lxc` for out-of-band checks, and a skip with the
 * reason printed when there is no lab on this machine.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LAB_ENV, readLabEnv } from "../../lab/env.mjs";
import { execa } from "execa";
import { describe } from "vitest";
import type { Connection } from "../../../sdk/ssh/connection.js";

export interface Lab {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly key: string;
  readonly hostKey: string;
  readonly image: string;
  readonly pool: string;
  readonly network: string;
  readonly pwUser: string;
  readonly pwPassword: string;
  readonly publicKey: string;
}

export { LAB_ENV };

function load(): Lab | undefined {
  const env = readLabEnv();
  if (!env) return undefined;
  return {
    host: env.LAB_SSH_HOST!, port: Number(env.LAB_SSH_PORT), user: env.LAB_SSH_USER!, key: env.LAB_SSH_KEY!,
    hostKey: env.LAB_SSH_HOSTKEY!, image: env.LAB_IMAGE!, pool: env.LAB_POOL!, network: env.LAB_NETWORK!,
    pwUser: env.LAB_PW_USER!, pwPassword: env.LAB_PW_PASSWORD!,
    publicKey: readFileSync(`${env.LAB_SSH_KEY}.pub`, "utf8").trim(),
  };
}

export const lab = load();

/** describe() on the lab, or a skip that says why. */
export function describeLab(name: string, fn: (lab: Lab) => void): void {
  if (!lab) {
    console.warn(`SKIP ${name}: no host lab (${LAB_ENV} is missing; run npm run lab:up as root)`);
    describe.skip(name, () => {});
    return;
  }
  describe(name, () => fn(lab));
}

/** The lab's LXD server as a Connection (the lab user, its key, the pinned host key). */
export function labConnection(l: Lab): Connection {
  return { host: l.host, port: l.port, user: l.user, privateKeyPath: l.key, hostKeys: [l.hostKey] };
}

/** The start of a test program: `import { lxd, ssh }`, and `host` and `remote` for the lab's LXD server over SSH. */
export function labProgram(l: Lab, body: string): string {
  return `import { lxd, ssh } from "drydock";
const host = new ssh.Host("lab", { address: ${JSON.stringify(l.host)}, port: ${l.port}, user: ${JSON.stringify(l.user)},
  privateKeyPath: ${JSON.stringify(l.key)}, hostKey: ${JSON.stringify(l.hostKey)} });
const remote = new lxd.Remote("lab", { host });
${body}
`;
}

/** `lxc` on this machine, for checks made outside drydock. */
export async function lxc(...args: string[]): Promise<string> {
  if (args[0] === "exec") return lxcExec(args);
  const r = await execa("lxc", args, { reject: false, stdin: "ignore" });
  if (r.exitCode !== 0) throw new Error(`lxc ${args.join(" ")}: ${r.stderr}`);
  return String(r.stdout);
}

const EXEC_DIR = "/run/dd-lab-exec";

/**
 * `lxc exec`, whose output LXD sometimes drops on a busy machine
 * (canonical/lxd#11422: the command ran, nothing came back). The command's
 * output and exit code are also kept in the instance, and read from there
 * by `lxc file pull` when the trailer line did not come through; the command
 * itself runs once. Each run removes the files of runs a minute old or more.
 */
async function lxcExec(args: string[]): Promise<string> {
  const dash = args.indexOf("--");
  if (dash < 0) throw new Error(`lxc ${args.join(" ")}: give the command after --`);
  const name = args[1]!;
  const f = `${EXEC_DIR}/${randomBytes(6).toString("hex")}`;
  const marker = `#dd-lab-exec-rc=`;
  const script = `mkdir -p ${EXEC_DIR}; find ${EXEC_DIR} -type f -mmin +1 -delete 2>/dev/null
"$@" > ${f}.out 2> ${f}.err; echo $? > ${f}.rc; cat ${f}.out; printf '\n${marker}%s\n' "$(cat ${f}.rc)"`;
  const r = await execa("lxc", [...args.slice(0, dash), "--", "sh", "-c", script, "sh", ...args.slice(dash + 1)], { reject: false, stdin: "ignore" });
  const at = String(r.stdout).lastIndexOf(`\n${marker}`);
  let out: string;
  let rc: string;
  if (at >= 0) {
    out = String(r.stdout).slice(0, at);
    rc = String(r.stdout).slice(at + 1 + marker.length);
  } else {
    // No trailer: either the exec never ran (its error says why) or its output was lost on the way.
    const kept = await pull(name, `${f}.rc`).catch(() => undefined);
    if (kept === undefined) throw new Error(`lxc ${args.join(" ")}: ${r.stderr}`);
    [out, rc] = [await pull(name, `${f}.out`), kept];
  }
  if (rc.trim() !== "0") throw new Error(`lxc ${args.join(" ")}: exit ${rc.trim()}: ${await pull(name, `${f}.err`).catch(() => String(r.stderr))}`);
  return out.replace(/\n$/, "");
}

async function pull(name: string, path: string): Promise<string> {
  const r = await execa("lxc", ["file", "pull", `${name}${path}`, "-"], { reject: false, stdin: "ignore" });
  if (r.exitCode !== 0) throw new Error(`lxc file pull ${name}${path}: ${r.stderr}`);
  return String(r.stdout);
}

export async function lxcNames(kind: "list" | "network list" | "storage list" | "profile list", prefix: string): Promise<string[]> {
  const out = await lxc(...kind.split(" "), "--format", "csv", ...(kind === "list" ? ["-c", "n"] : []));
  return out.split("\n").map((l) => l.split(",")[0]!).filter((n) => n === prefix || n.startsWith(`${prefix}-`)).sort();
}

/** Removes everything named `prefix` or `prefix-…` (instances, profiles, networks, pools), whatever a failed test left. */
export async function sweep(prefix: string): Promise<void> {
  for (const n of await lxcNames("list", prefix)) await execa("lxc", ["delete", "--force", n], { reject: false, stdin: "ignore" });
  for (const n of await lxcNames("profile list", prefix)) await execa("lxc", ["profile", "delete", n], { reject: false });
  for (const n of await lxcNames("network list", prefix)) await execa("lxc", ["network", "delete", n], { reject: false });
  for (const n of await lxcNames("storage list", prefix)) await execa("lxc", ["storage", "delete", n], { reject: false });
}

export const EXAMPLE_DIR = resolve(import.meta.dirname, "../../../examples");
export const exampleFile = (example: string, file: string): string => join(EXAMPLE_DIR, example, file);
