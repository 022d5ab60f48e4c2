/** A replacement counts once, in the plan and in the run, whichever order it takes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject, lines } from "./cli.js";

const prog = (v: string, deleteFirst: boolean) => `import { local } from "drydock";
new local.Command("svc", {
  create: "echo create $V >> cmd.log",
  delete: "echo delete $V >> cmd.log",
  environment: { V: "${v}" },
}, { replaceOnChanges: ["environment"], deleteBeforeReplace: ${deleteFirst} });
`;

describe("replacement counts", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => p.cleanup());

  it.each([
    [false, ["create v1", "create v2", "delete v1"]],
    [true, ["create v1", "delete v1", "create v2"]],
  ] as const)("deleteBeforeReplace %s", async (deleteFirst, order) => {
    p.file("cmd.log", "");
    p.program(prog("v1", deleteFirst));
    await p.ok("up", "--yes");
    p.program(prog("v2", deleteFirst));
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("Resources: +- 1 to replace, 0 unchanged");
    expect(r.stdout).toContain("Resources: +- 1 replaced, 0 unchanged");
    expect(r.stdout).toContain("the replaced original");
    expect(lines(p.read("cmd.log"))).toEqual(order);
    await p.ok("destroy", "--yes");
  });

  it("preview --refresh counts drift apart from the plan", async () => {
    p.program(`import { local } from "drydock";
new local.File("a", { path: "a.txt", content: "a" });
new local.File("b", { path: "b.txt", content: "b" });
`);
    await p.ok("up", "--yes");
    p.file("a.txt", "changed");
    const r = await p.ok("preview", "--refresh");
    expect(r.stdout).toContain("drift: changed outside drydock");
    expect(r.stdout).toContain("Resources: ~ 1 to update, 1 unchanged");
  });

  it("--expect-no-changes stops destroy before it deletes anything", async () => {
    const r = await p.run("destroy", "--yes", "--expect-no-changes");
    expect(r.exitCode).toBe(1);
    expect(p.exists("b.txt")).toBe(true);
    expect(p.state().resources).toHaveLength(2);
  });
});
