/** One run per stack: a second concurrent run fails at once; a dead run's lock is broken explicitly. */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

describe("stack lock", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(`import { local } from "drydock";
new local.Command("slow", { create: "touch started; sleep 4" });
`);
  });
  afterAll(() => p.cleanup());

  it("fails a second concurrent up at once with a lock error", async () => {
    const first = p.spawn(["up", "--yes"]);
    // wait until the first run is inside its update
    for (let i = 0; i < 100 && !p.exists("started"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(p.exists("started")).toBe(true);
    const t0 = Date.now();
    const second = await p.run("up", "--yes");
    const elapsed = Date.now() - t0;
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/stack "dev" is locked by "drydock up" \(pid \d+ on /);
    expect(elapsed).toBeLessThan(3000);
    const r = await first;
    expect(r.exitCode).toBe(0);
    // and the lock is released afterwards
    await p.ok("preview", "--expect-no-changes");
    await p.ok("up", "--yes");
  });

  it("names a dead holder and breaks its lock only on request", async () => {
    const lock = join(p.dir, ".drydock", "locks", "proj", "dev.json");
    mkdirSync(dirname(lock), { recursive: true });
    // pid 2^22+1 cannot exist (pid_max is at most 2^22)
    writeFileSync(lock, JSON.stringify({ pid: 4194305, host: hostname(), time: "2026-01-01T00:00:00Z", command: "drydock up" }));
    const blocked = await p.run("up", "--yes");
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toContain("no longer running");
    expect(blocked.stderr).toContain("drydock stack unlock");
    const unlock = await p.ok("stack", "unlock");
    expect(unlock.stdout).toContain("Broke the lock");
    await p.ok("up", "--yes");
  });

  it("refuses to break a live holder's lock without --force", async () => {
    const lock = join(p.dir, ".drydock", "locks", "proj", "dev.json");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: "2026-01-01T00:00:00Z", command: "drydock up" }));
    const r = await p.run("stack", "unlock");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("may still be running");
    await p.ok("stack", "unlock", "--force");
    await p.ok("up", "--yes");
  });
});
