/** Runs that cannot go on end with a clear error and without leaving the lock: cycles, SIGTERM, closed pipes. */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BIN, freshProjects } from "./cli.js";

const LOCK = ".drydock/locks/proj/dev.json";

describe("stopping", () => {
  const projects = freshProjects();

  it("a dependsOn cycle is an error naming the cycle in order (exit 2), not a hang", async () => {
    const p = await projects.project(`import { local, output } from "drydock";
let b: local.File | undefined;
const a = new local.File("a", { path: "a.txt", content: "a" }, { dependsOn: output(new Promise<local.File>((r) => setTimeout(() => r(b!), 10))) });
b = new local.File("b", { path: "b.txt", content: "b" }, { dependsOn: [a] });
`);
    for (const cmd of [["preview"], ["up", "--yes"]]) {
      const r = await execa(process.execPath, [BIN, ...cmd], { cwd: p.dir, env: p.env, reject: false, timeout: 20_000 });
      expect(r.timedOut, cmd.join(" ")).toBe(false);
      expect(r.exitCode, cmd.join(" ")).toBe(2);
      const urn = (n: string) => `urn:drydock:dev::proj::drydock:local:File::${n}`;
      expect(r.stderr).toContain(`wait for each other (dependsOn, inputs or parent), so none can start:\n  ${urn("a")}\n  → ${urn("b")}\n  → ${urn("a")}`);
    }
    expect(p.exists("a.txt") || p.exists("b.txt")).toBe(false);
    expect(p.exists(LOCK)).toBe(false);
  }, 60_000);

  it("SIGTERM while nothing is running exits 1 and releases the lock", async () => {
    const p = await projects.project(`import { local, output } from "drydock";
new local.File("a", { path: "a.txt", content: output(new Promise<string>(() => {})) });
`);
    const run = execa(process.execPath, [BIN, "up", "--yes"], { cwd: p.dir, env: p.env, reject: false, timeout: 30_000 });
    let seen = "";
    run.stdout!.on("data", (d: Buffer) => (seen += String(d)));
    for (let i = 0; i < 200 && !seen.includes("Previewing"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(p.exists(LOCK)).toBe(true);
    run.kill("SIGTERM");
    const r = await run;
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("SIGTERM: no step is running");
    expect(p.exists(LOCK)).toBe(false);
    p.program(`import { local } from "drydock";\nnew local.File("a", { path: "a.txt", content: "a" });\n`);
    await p.ok("up", "--yes");
  }, 60_000);

  it("a CLI whose output pipe closes early still releases the lock", async () => {
    const p = await projects.project(`import { local } from "drydock";
for (let i = 0; i < 6; i++) new local.Command(\`c\${i}\`, { create: "sleep 0.3; exit 3" });
`);
    // head exits after the first line; the errors that follow are written to the closed pipe
    const r = await execa("sh", ["-c", `"${process.execPath}" "${BIN}" up --yes 2>&1 | head -1`], { cwd: p.dir, env: p.env, reject: false, timeout: 30_000 });
    expect(r.stdout).toContain("Previewing update of stack dev");
    expect(p.exists(LOCK)).toBe(false);
    p.program(`import { local } from "drydock";\nnew local.Command("c0", { create: "true" });\n`);
    const second = await p.run("up", "--yes");
    expect(second.stderr).not.toContain("is locked");
    expect(second.exitCode).toBe(0);
  }, 60_000);
});
