/** stack init | ls | select | rm, config set | get | rm, and DRYDOCK_BACKEND. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

describe("stack and config commands", () => {
  const p = new TempProject();
  const backend = mkdtempSync(join(tmpdir(), "drydock-backend-"));
  afterAll(() => {
    p.cleanup();
    rmSync(backend, { recursive: true, force: true });
  });

  it("creates, lists, selects and removes stacks", async () => {
    p.program(`import { Config, local } from "drydock";
const c = new Config();
new local.File("f", { path: \`\${c.require("env")}.txt\`, content: String(c.requireNumber("size")) });
export const size = c.requireNumber("size");
`);
    await p.ok("stack", "init", "dev");
    await p.ok("stack", "init", "prod");
    const dup = await p.run("stack", "init", "dev");
    expect(dup.exitCode).toBe(2);
    const ls = await p.ok("stack", "ls");
    expect(ls.stdout).toMatch(/dev\s+0/);
    expect(ls.stdout).toMatch(/prod\*\s+0/);
    await p.ok("stack", "select", "dev");
    await p.ok("config", "set", "env", "development");
    await p.ok("config", "set", "size", "3");
    expect((await p.ok("config", "get", "size")).stdout.trim()).toBe("3");
    expect(p.read("drydock.dev.yaml")).toContain("proj:size");
    const missing = await p.run("preview", "--stack", "prod");
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('missing required config "proj:env"');
    await p.ok("config", "set", "env", "production", "--stack", "prod");
    await p.ok("config", "set", "size", "many", "--stack", "prod");
    const notNumber = await p.run("preview", "--stack", "prod");
    expect(notNumber.exitCode).toBe(2);
    expect(notNumber.stderr).toContain('config "proj:size" must be a number (got "many")');
    await p.ok("up", "--yes");
    expect(p.read("development.txt")).toBe("3");
    expect((await p.ok("stack", "output", "size")).stdout.trim()).toBe("3");
    const rm = await p.run("stack", "rm", "dev");
    expect(rm.exitCode).toBe(2);
    expect(rm.stderr).toContain("still has 1 resources");
    await p.ok("destroy", "--yes");
    await p.ok("stack", "rm", "dev");
    expect(p.exists("drydock.dev.yaml")).toBe(false);
    expect((await p.ok("stack", "ls")).stdout).not.toContain("dev");
    await p.ok("config", "rm", "size", "--stack", "prod");
    expect(p.read("drydock.prod.yaml")).not.toContain("proj:size");
  });

  it("keeps state where DRYDOCK_BACKEND says", async () => {
    p.env = { ...p.env, DRYDOCK_BACKEND: `file://${backend}` };
    await p.ok("stack", "init", "elsewhere");
    await p.ok("config", "set", "env", "e");
    await p.ok("config", "set", "size", "1");
    await p.ok("up", "--yes");
    expect(existsSync(join(backend, "stacks", "proj", "elsewhere.json"))).toBe(true);
    expect(existsSync(join(p.dir, ".drydock", "stacks", "proj", "elsewhere.json"))).toBe(false);
    const bad = await p.run("stack", "ls");
    expect(bad.exitCode).toBe(0);
    p.env = { ...p.env, DRYDOCK_BACKEND: "s3://bucket" };
    const s3 = await p.run("stack", "ls");
    expect(s3.exitCode).toBe(2);
    expect(s3.stderr).toContain('DRYDOCK_BACKEND "s3://bucket" is not supported');
  });
});
