/** updatesAfter through the CLI: creation in parallel, updates one after the other, deletes in reverse. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

// Each command logs its start and end; A takes a second, so overlap (or its absence) is plain in the log.
const program = (round: number, withB = true) => `import { local } from "drydock";
const step = (n: string, secs: number) => \`echo \${n}-start >> steps.log; sleep \${secs}; echo \${n}-end >> steps.log\`;
const a = new local.Command("a", { create: step("a${round}", 1), delete: "echo a-delete >> steps.log" });
${withB ? `new local.Command("b", { create: step("b${round}", 0), delete: "echo b-delete >> steps.log" }, { updatesAfter: [a] });` : ""}
`;

describe("updatesAfter", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => p.cleanup());
  const log = (): string[] => p.read("steps.log").trim().split("\n");

  it("does not hold back a creation: b is made while a is still being made", async () => {
    p.program(program(1));
    await p.ok("up", "--yes");
    const l = log();
    expect(l.indexOf("b1-end")).toBeGreaterThan(-1);
    expect(l.indexOf("b1-end")).toBeLessThan(l.indexOf("a1-end"));
  });

  it("holds back an update until the resources it names are done", async () => {
    p.file("steps.log", "");
    p.program(program(2));
    await p.ok("up", "--yes");
    expect(log()).toEqual(["a2-start", "a2-end", "b2-start", "b2-end"]);
  });

  it("is a dependency for deletes: b goes first", async () => {
    p.file("steps.log", "");
    p.program("export {};\n");
    await p.ok("up", "--yes");
    expect(log()).toEqual(["b-delete", "a-delete"]);
  });

  it("lists resources only", async () => {
    p.program(`import { local } from "drydock";\nnew local.Command("c", { create: "true" }, { updatesAfter: ["x" as never] });\n`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stdout + r.stderr).toContain("updatesAfter must list resources");
  });
});
