import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildInvocation } from "../../../installer/transport/ssh/script.js";

const dir = mkdtempSync(join(tmpdir(), "dd-watchdog-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs an invocation as sshd does (sh -s in a session of its own); resolves when sh exits. */
function runAsSshd(script: string, limitSeconds: number): { pgid: number; done: Promise<{ code: number | null; signal: string | null; stdout: string; ms: number }> } {
  const started = Date.now();
  const p = spawn("sh", ["-s"], { detached: true, stdio: ["pipe", "pipe", "ignore"] });
  let stdout = "";
  p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  p.stdin.end(buildInvocation("h", script, {}, "none", undefined, limitSeconds).stdin);
  return { pgid: p.pid!, done: new Promise((r) => p.on("close", (code, signal) => r({ code, signal, stdout, ms: Date.now() - started }))) };
}

/** The live processes left in a process group (zombies are dead, waiting for a reaper). */
const left = (pgid: number): string => spawnSync("pgrep", ["-a", "-g", String(pgid)]).stdout.toString()
  .split("\n").filter((l) => l && !l.includes("<defunct>")).join("\n");

describe("a script the caller gave up on does not keep running on the host", () => {
  it("is killed with everything it started once its time is up", async () => {
    const marker = join(dir, "ran-on");
    const { pgid, done } = runAsSshd(`sleep 3.7\ntouch ${marker}`, 1);
    const r = await done;
    expect(r.signal).toBe("SIGKILL");
    expect(r.ms).toBeLessThan(3_000);
    expect(left(pgid)).toBe("");
    await sleep(4_000 - r.ms);
    expect(existsSync(marker)).toBe(false);
  });

  it("a script that finishes in time is untouched, its own `wait` does not wait for the watchdog, and the watchdog leaves with it", async () => {
    const { pgid, done } = runAsSshd("sleep 0.2 &\nwait\necho done", 30);
    const r = await done;
    expect(r).toMatchObject({ code: 0, stdout: "done\n" });
    expect(r.ms).toBeLessThan(2_500);
    await sleep(1_500);
    expect(left(pgid)).toBe("");
  });

  it("no watchdog without a finite limit", () => {
    for (const limit of [undefined, 0, Infinity, Number.NaN]) {
      expect(buildInvocation("h", "true", {}, "none", undefined, limit).stdin).not.toContain("kill -KILL");
    }
  });
});
