/** Ctrl-C: running steps finish, nothing new starts, state is saved, the lock is released. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

describe("interrupt", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(`import { local } from "drydock";
const first = new local.Command("first", { create: "touch first.started; sleep 2; touch first.done" });
new local.Command("second", { create: "touch second.done", environment: { X: first.stdout } });
`);
  });
  afterAll(() => p.cleanup());

  it("SIGINT once finishes the running step and exits 1 with the lock released", async () => {
    const run = p.spawn(["up", "--yes"]);
    for (let i = 0; i < 100 && !p.exists("first.started"); i++) await new Promise((r) => setTimeout(r, 100));
    run.kill("SIGINT");
    const r = await run;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain("SIGINT: finishing running steps");
    expect(String(r.stderr)).toContain("cancelled");
    expect(p.exists("first.done")).toBe(true);
    expect(p.exists("second.done")).toBe(false);
    expect(p.exists(".drydock/locks/proj/dev.json")).toBe(false);
    expect(p.state().resources.map((x) => x.urn.split("::").at(-1))).toEqual(["first"]);
    const again = await p.ok("up", "--yes");
    expect(again.stdout).toContain("+ 1 created, 1 unchanged");
    expect(p.exists("second.done")).toBe(true);
  });
});
