/** The update lifecycle through the real CLI, one program change at a time. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject, lines } from "./cli.js";

const HEADER = `import { local, interpolate } from "drydock";\n`;

describe("lifecycle through the CLI", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => p.cleanup());

  it("creates, then has nothing to do", async () => {
    p.program(`${HEADER}
const a = new local.File("a", { path: "a.txt", content: "one\\n" });
new local.File("b", { path: "b.txt", content: interpolate\`a=\${a.sha256}\\n\` });
export const path = a.path;
`);
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/\+ {2}drydock:local:File {2}a {2}create/);
    expect(preview.stdout).toContain("Resources: + 2 to create, 0 unchanged");
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("+ 2 created");
    expect(p.read("a.txt")).toBe("one\n");
    expect(p.read("b.txt")).toMatch(/^a=[0-9a-f]{64}\n$/);
    const again = await p.run("preview", "--expect-no-changes");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("Resources: 2 unchanged");
    const out = await p.ok("stack", "output", "path");
    expect(out.stdout.trim()).toBe(`${p.dir}/a.txt`);
  });

  it("updates in place and propagates to dependents", async () => {
    p.program(`${HEADER}
const a = new local.File("a", { path: "a.txt", content: "two\\n" });
new local.File("b", { path: "b.txt", content: interpolate\`a=\${a.sha256}\\n\` });
export const path = a.path;
`);
    const expectFail = await p.run("preview", "--expect-no-changes");
    expect(expectFail.exitCode).toBe(1);
    const preview = await p.ok("preview", "--diff");
    expect(preview.stdout).toContain('~ content: "one\\n" => "two\\n"');
    expect(preview.stdout).toMatch(/~ {2}drydock:local:File {2}b {2}update/);
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("~ 2 updated");
    expect(p.read("a.txt")).toBe("two\n");
    await p.ok("preview", "--expect-no-changes");
  });

  it("renames with an alias without replacing", async () => {
    p.program(`${HEADER}
const a = new local.File("renamed", { path: "a.txt", content: "two\\n" }, { aliases: [{ name: "a" }] });
new local.File("b", { path: "b.txt", content: interpolate\`a=\${a.sha256}\\n\` });
export const path = a.path;
`);
    const preview = await p.ok("preview");
    expect(preview.stdout).toContain("renamed from urn:drydock:dev::proj::drydock:local:File::a");
    expect(preview.stdout).not.toMatch(/create|delete|replace/);
    await p.ok("up", "--yes");
    const urns = p.state().resources.map((r) => r.urn);
    expect(urns).toContain("urn:drydock:dev::proj::drydock:local:File::renamed");
    expect(urns).not.toContain("urn:drydock:dev::proj::drydock:local:File::a");
    expect(p.read("a.txt")).toBe("two\n");
    await p.ok("preview", "--expect-no-changes");
  });

  it("replaceOnChanges replaces, creating the new one before deleting the old", async () => {
    const prog = (v: string) => `${HEADER}
new local.Command("svc", {
  create: "echo create $V >> cmd.log",
  delete: "echo delete $V >> cmd.log",
  environment: { V: "${v}" },
}, { replaceOnChanges: ["environment"] });
`;
    p.program(prog("v1"));
    await p.ok("up", "--yes");
    p.program(prog("v2"));
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/\+- drydock:local:Command {2}svc {2}replace/);
    await p.ok("up", "--yes");
    // The files a, b and the renamed one were removed from the program, so they are gone too.
    expect(lines(p.read("cmd.log"))).toEqual(["create v1", "create v2", "delete v1"]);
    expect(p.exists("a.txt")).toBe(false);
  });

  it("deletes removed resources in reverse dependency order", async () => {
    p.file("cmd.log", "");
    p.program(`${HEADER}
const one = new local.Command("one", { create: "echo create one >> cmd.log", delete: "echo delete one >> cmd.log" });
const two = new local.Command("two", { create: "echo create two >> cmd.log", delete: "echo delete two >> cmd.log" }, { dependsOn: [one] });
new local.Command("three", { create: "echo create three >> cmd.log", delete: "echo delete three >> cmd.log", environment: { T: two.stdout } });
`);
    await p.ok("up", "--yes");
    p.program(`${HEADER}\n`);
    const preview = await p.ok("preview");
    expect(preview.stdout).toContain("- 3 to delete");
    await p.ok("up", "--yes");
    const log = lines(p.read("cmd.log"));
    expect(log.slice(0, 3)).toEqual(["create one", "create two", "create three"]);
    // "svc" (from the previous step) is independent; the chain must be three, two, one.
    const deletes = log.filter((l) => /delete (one|two|three)/.test(l));
    expect(deletes).toEqual(["delete three", "delete two", "delete one"]);
  });

  it("ignoreChanges hides a change to an ignored property", async () => {
    const prog = (c: string) => `${HEADER}
new local.File("ign", { path: "ign.txt", content: "${c}" }, { ignoreChanges: ["content"] });
`;
    p.program(prog("first"));
    await p.ok("up", "--yes");
    p.program(prog("second"));
    await p.ok("preview", "--expect-no-changes");
    await p.ok("up", "--yes");
    expect(p.read("ign.txt")).toBe("first");
  });

  it("refresh sees an out-of-band edit and up puts it back", async () => {
    p.file("ign.txt", "edited by hand");
    const refresh = await p.ok("refresh", "--yes", "--diff");
    expect(refresh.stdout).toContain("drift: changed outside drydock");
    expect(refresh.stdout).toContain('~ content: "first" => "edited by hand"');
    // content is ignored, so the drift is adopted and stays
    await p.ok("preview", "--expect-no-changes");
    p.program(`${HEADER}
new local.File("ign", { path: "ign.txt", content: "second" });
`);
    const preview = await p.ok("preview", "--diff");
    expect(preview.stdout).toContain('~ content: "edited by hand" => "second"');
    await p.ok("up", "--yes");
    expect(p.read("ign.txt")).toBe("second");
  });

  it("refresh sees a deleted file; the next plan creates it again", async () => {
    p.file("ign.txt", "");
    const { rmSync } = await import("node:fs");
    rmSync(`${p.dir}/ign.txt`);
    const refresh = await p.ok("refresh", "--yes");
    expect(refresh.stdout).toContain("gone: deleted outside drydock");
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/\+ {2}drydock:local:File {2}ign {2}create/);
    await p.ok("up", "--yes");
    expect(p.read("ign.txt")).toBe("second");
  });

  it("protect blocks destroy and names the resource", async () => {
    p.program(`${HEADER}
new local.File("keep", { path: "keep.txt", content: "precious" }, { protect: true });
new local.File("other", { path: "other.txt", content: "x" });
`);
    await p.ok("up", "--yes");
    const d = await p.run("destroy", "--yes");
    expect(d.exitCode).toBe(1);
    expect(d.stderr).toContain("urn:drydock:dev::proj::drydock:local:File::keep");
    expect(d.stderr).toContain("protected");
    expect(p.exists("keep.txt")).toBe(true);
    expect(p.exists("other.txt")).toBe(true);
    p.program(`${HEADER}\n`);
    const up = await p.run("up", "--yes");
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain("protected");
    expect(p.exists("keep.txt")).toBe(true);
  });

  it("destroy removes everything once unprotected", async () => {
    p.program(`${HEADER}
new local.File("keep", { path: "keep.txt", content: "precious" });
new local.File("other", { path: "other.txt", content: "x" });
`);
    await p.ok("up", "--yes");
    await p.ok("destroy", "--yes");
    expect(p.exists("keep.txt")).toBe(false);
    expect(p.state().resources).toEqual([]);
  });
});
