/** Bad input exits 2 with every problem listed by path, before anything is touched. */
import { describe, expect, it } from "vitest";
import { TempProject, freshProjects } from "./cli.js";

describe("bad input", () => {
  const { project, track } = freshProjects();

  it("malformed drydock.yaml: every problem with its path", async () => {
    const p = track(new TempProject());
    p.file("drydock.yaml", "name: bad name!\nmain: 42\nextra: true\n");
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("drydock.yaml is invalid");
    expect(r.stderr).toMatch(/✖ name must be letters.*\(got "bad name!"\) → at name/);
    expect(r.stderr).toMatch(/✖ .*expected string.*\(got 42\) → at main/);
    expect(r.stderr).toMatch(/✖ .*extra/);
    p.file("drydock.yaml", "name: [unclosed\n");
    const y = await p.run("preview");
    expect(y.exitCode).toBe(2);
    expect(y.stderr).toContain("is not valid YAML");
  });

  it("an unknown stack", async () => {
    const p = await project(`export const x = 1;\n`);
    const r = await p.run("preview", "--stack", "nope");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('stack "nope" does not exist (stacks: dev)');
  });

  it("a program that throws", async () => {
    const p = await project(`import { local } from "drydock";
new local.File("ok", { path: "ok.txt", content: "x" });
throw new Error("the program is broken");
`);
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("the program failed: the program is broken");
    expect(r.stderr).toContain("index.ts");
    expect(p.exists("ok.txt")).toBe(false);
  });

  it("a throwing apply callback", async () => {
    const p = await project(`import { local } from "drydock";
const f = new local.File("ok", { path: "ok.txt", content: "x" });
export const bad = f.sha256.apply((v) => { throw new Error("apply blew up on " + typeof v); });
`);
    const r = await p.run("preview");
    // during preview sha256 is unknown (not created yet), so apply does not run: no error
    expect(r.exitCode).toBe(0);
    const up = await p.run("up", "--yes");
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toContain("apply blew up on string");
  });

  it("a duplicate URN names both declarations", async () => {
    const p = await project(`import { local } from "drydock";
new local.File("same", { path: "a.txt", content: "a" });
new local.File("same", { path: "b.txt", content: "b" });
`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("duplicate resource URN urn:drydock:dev::proj::drydock:local:File::same");
    expect(r.stderr).toMatch(/declared at .*index\.ts:2\n\s+and again at .*index\.ts:3/);
  });

  it("args of the wrong type: all problems of all resources at once, nothing touched", async () => {
    const p = await project(`import { local } from "drydock";
new local.File("good", { path: "good.txt", content: "fine" });
new local.File("f", { path: "", content: 42 as any, mode: "rwx" } as any);
new local.Command("c", { create: "", environment: { A: 1 as any }, bogus: true } as any);
`);
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('drydock:local:File "f" has invalid arguments');
    expect(r.stderr).toMatch(/path must not be empty \(got ""\) → at f\.path/);
    expect(r.stderr).toMatch(/expected string, received number \(got 42\) → at f\.content/);
    expect(r.stderr).toMatch(/mode must be octal.*\(got "rwx"\) → at f\.mode/);
    expect(r.stderr).toContain('drydock:local:Command "c" has invalid arguments');
    expect(r.stderr).toMatch(/→ at c\.create/);
    expect(r.stderr).toMatch(/\(got 1\) → at c\.environment\.A/);
    expect(r.stderr).toMatch(/bogus/);
    expect(p.exists("good.txt")).toBe(false);
    expect(p.state().resources).toEqual([]);
  });

  it("usage errors exit 2", async () => {
    const p = await project();
    expect((await p.run("frobnicate")).exitCode).toBe(2);
    expect((await p.run("up", "--parallel", "zero")).exitCode).toBe(2);
    const t = await p.run("up", "--yes", "--target", "not-a-urn");
    expect(t.exitCode).toBe(2);
  });

  it("a bad customTimeouts value names the field", async () => {
    const p = await project(`import { local } from "drydock";
new local.File("f", { path: "f.txt", content: "x" }, { customTimeouts: { create: "soon" } });
`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/must be a duration such as "90s", "5m" or "1h30m" \(got "soon"\) → at opts\.customTimeouts\.create/);
  });
});
