/** Regressions from review: what state records stays true to the real world. */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freshProjects, lines } from "./cli.js";

describe("state stays true", () => {
  const { project } = freshProjects();

  it("a targeted up keeps a component output that comes from an untargeted child", async () => {
    const p = await project();
    p.program(`import { ComponentResource, local } from "drydock";
class C extends ComponentResource {
  constructor(n: string) {
    super("proj:index:C", n, {});
    const f = new local.File("c1", { path: "c1.txt", content: "1" }, { parent: this });
    this.registerOutputs({ sum: f.sha256 });
  }
}
new C("c");
new local.File("x", { path: "x.txt", content: "x" });
`);
    const r = await p.ok("up", "--yes", "--target", "urn:drydock:dev::proj::drydock:local:File::x");
    expect(r.stdout).toContain("keep their last values");
    expect(p.state().resources.map((x) => x.urn.split("::").at(-1)).sort()).toEqual(["c", "x"]);
    await p.ok("up", "--yes");
    const c = p.state().resources.find((x) => x.urn.endsWith("::c"))!;
    expect(c.outputs.sum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("renaming a file without an alias keeps the file on disk", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";\nnew local.File("a", { path: "x.txt", content: "hi" });\n`);
    await p.ok("up", "--yes");
    p.program(`import { local } from "drydock";\nnew local.File("b", { path: "x.txt", content: "hi" });\n`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("only dropped from state");
    expect(p.read("x.txt")).toBe("hi");
    const refresh = await p.ok("refresh", "--yes", "--expect-no-changes");
    expect(refresh.stdout).not.toContain("gone");
  });

  it("a renamed delete-first replacement whose create fails leaves state matching the world", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
new local.Command("a", { create: "echo made", delete: "echo del >> log.txt", triggers: [1] }, { deleteBeforeReplace: true });
`);
    await p.ok("up", "--yes");
    p.program(`import { local } from "drydock";
new local.Command("b", { create: "exit 1", delete: "echo del >> log.txt", triggers: [2] }, { deleteBeforeReplace: true, aliases: [{ name: "a" }] });
`);
    expect((await p.run("up", "--yes")).exitCode).toBe(1);
    expect(p.state().resources).toEqual([]);
    p.program(`import { local } from "drydock";
new local.Command("b", { create: "echo ok", delete: "echo del >> log.txt", triggers: [2] }, { deleteBeforeReplace: true, aliases: [{ name: "a" }] });
`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("+ 1 created");
    expect(lines(p.read("log.txt"))).toEqual(["del"]);
  });

  it("customTimeouts.delete applies to deletes, even after the resource left the program", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
new local.Command("slow", { create: "true", delete: "sleep 20" }, { customTimeouts: { delete: "1s" } });
`);
    await p.ok("up", "--yes");
    const t0 = Date.now();
    const r = await p.run("destroy", "--yes");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("timed out after 1s (customTimeouts.delete)");
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("dependsOn given as an Output orders deletes after its resources' dependents", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
const a = new local.Command("a", { create: "echo a", delete: "echo del-a >> log.txt" });
const b = new local.Command("b", { create: "echo b", delete: "echo del-b >> log.txt" });
new local.Command("x", { create: "echo x", delete: "sleep 1; echo del-x >> log.txt" }, { dependsOn: a.stdout.apply(() => [b]) });
`);
    await p.ok("up", "--yes");
    const x = p.state().resources.find((r) => r.urn.endsWith("::x")) as unknown as { dependencies: string[] };
    expect(x.dependencies.map((d) => d.split("::").at(-1))).toEqual(["a", "b"]);
    await p.ok("destroy", "--yes");
    const log = lines(p.read("log.txt"));
    expect(log[0]).toBe("del-x");
  });

  it("a plan with unknown inputs still applies defaults: no phantom replacement", async () => {
    const p = await project();
    const prog = (v: string) => `import { local } from "drydock";
const a = new local.Command("a", { create: "echo ${v}" });
new local.Command("x", { create: "echo $A", environment: { A: a.stdout } });
`;
    p.program(prog("one"));
    await p.ok("up", "--yes");
    p.program(prog("two"));
    const r = await p.ok("preview", "--diff");
    expect(r.stdout).toMatch(/~ {2}drydock:local:Command {2}x {2}update/);
    expect(r.stdout).not.toContain("triggers");
  });

  it("a damaged state file is a clear error", async () => {
    const p = await project();
    for (const [text, expected] of [
      ["{ broken", "is not valid JSON"],
      ['{"version":1}', "is damaged"],
      ['{"version":1,"project":"proj","stack":"dev","resources":[{"urn":"urn:drydock:dev::proj::a:b:C::x","type":"a:b:C","custom":true,"inputs":{},"outputs":{}}],"outputs":{}}', "→ at resources[0].dependencies"],
    ] as const) {
      writeFileSync(p.statePath(), text);
      for (const cmd of [["stack", "ls"], ["preview"], ["stack", "output"]]) {
        const r = await p.run(...cmd);
        expect(r.exitCode, `${cmd.join(" ")} on ${text}`).toBe(1);
        expect(r.stderr).toContain(expected);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    }
  });
});
