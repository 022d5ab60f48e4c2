/** A failed step: named with its URN, operation and cause; nothing new starts; running steps finish; state is written. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

describe("a failing step", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => p.cleanup());

  it("stops scheduling, lets running steps finish, records them, exits 1", async () => {
    p.program(`import { local } from "drydock";
const slow = new local.Command("slow", { create: "sleep 1; echo done > slow.out" });
const bad = new local.Command("bad", { create: "echo 'disk on fire' >&2; exit 7" });
new local.Command("after-bad", { create: "touch after-bad.out", environment: { X: bad.stdout } });
new local.Command("after-slow", { create: "touch after-slow.out", environment: { X: slow.stdout } });
`);
    const r = await p.run("up", "--yes", "--events", "events.ndjson");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("urn:drydock:dev::proj::drydock:local:Command::bad: create failed: create command exited with code 7");
    expect(r.stderr).toContain("disk on fire");
    // the running step finished and is in state; nothing depending on the failure started, nor anything new
    expect(p.read("slow.out")).toBe("done\n");
    expect(p.exists("after-bad.out")).toBe(false);
    expect(p.exists("after-slow.out")).toBe(false);
    const urns = p.state().resources.map((x) => x.urn.split("::").at(-1));
    expect(urns).toEqual(["slow"]);
    expect(p.state().pending).toEqual([]);
    const events = p.read("events.ndjson").trim().split("\n").map((l) => JSON.parse(l));
    const failed = events.find((e) => e.type === "step" && e.phase === "failed");
    expect(failed).toMatchObject({ op: "create", name: "bad" });
    expect(events.at(-1)).toMatchObject({ type: "summary", result: "failed" });
  });

  it("converges once the cause is fixed", async () => {
    p.program(`import { local } from "drydock";
const slow = new local.Command("slow", { create: "sleep 1; echo done > slow.out" });
const bad = new local.Command("bad", { create: "echo fine" });
new local.Command("after-bad", { create: "touch after-bad.out", environment: { X: bad.stdout } });
new local.Command("after-slow", { create: "touch after-slow.out", environment: { X: slow.stdout } });
`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("+ 3 created, 1 unchanged");
    expect(p.exists("after-bad.out")).toBe(true);
    await p.ok("preview", "--expect-no-changes");
  });

  it("a customTimeouts deadline fails the step with a clear message", async () => {
    p.program(`import { local } from "drydock";
new local.Command("hangs", { create: "sleep 30" }, { customTimeouts: { create: "1s" } });
`);
    const t0 = Date.now();
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("timed out after 1s (customTimeouts.create)");
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
