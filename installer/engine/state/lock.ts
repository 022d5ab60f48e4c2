/** One run per stack: a lock file made with O_EXCL, naming who holds it. */
import { hostname } from "node:os";
import { rmSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { DrydockError } from "../errors.js";

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly time: string;
  readonly command: string;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockInfo;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { pid: 0, host: "?", time: "?", command: "unreadable lock file" };
  }
}

/** Describes a lock holder and whether it is still running. */
export function describeLock(l: LockInfo): { text: string; stale: boolean } {
  const local = l.host === hostname();
  const stale = local && !processAlive(l.pid);
  const who = `"${l.command}" (pid ${l.pid} on ${l.host}, since ${l.time})`;
  return { text: who, stale };
}

/** Locks this process holds: released however the process ends, short of SIGKILL. */
const held = new Set<string>();
let exitHook = false;

function hold(path: string): void {
  held.add(path);
  if (exitHook) return;
  exitHook = true;
  // 'exit' also runs after an uncaught exception (a write to a closed pipe, say).
  process.on("exit", () => {
    for (const p of held) rmSync(p, { force: true });
  });
}

export class StackLock {
  private constructor(private readonly path: string) {
    hold(path);
  }

  static async acquire(path: string, stack: string, command: string): Promise<StackLock> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const info: LockInfo = { pid: process.pid, host: hostname(), time: new Date().toISOString(), command };
    try {
      const fh = await open(path, "wx", 0o600);
      await fh.writeFile(`${JSON.stringify(info)}\n`);
      await fh.close();
      return new StackLock(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const held = await readLock(path);
    const d = held ? describeLock(held) : { text: "another run", stale: false };
    const advice = d.stale
      ? "that process is no longer running: break the lock with `drydock stack unlock`"
      : "wait for it to finish";
    throw new DrydockError("locked", `stack "${stack}" is locked by ${d.text}; ${advice}`);
  }

  async release(): Promise<void> {
    held.delete(this.path);
    await rm(this.path, { force: true });
  }

  /** For a process that is about to exit. */
  releaseSync(): void {
    held.delete(this.path);
    rmSync(this.path, { force: true });
  }
}
