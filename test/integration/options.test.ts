/** Resource options not covered by the lifecycle test: retainOnDelete, additionalSecretOutputs, replacing a file in place. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

describe("resource options", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
  });
  afterAll(() => p.cleanup());

  it("retainOnDelete leaves the real thing in place and drops it from state", async () => {
    p.program(`import { local } from "drydock";
new local.File("kept", { path: "kept.txt", content: "still here" }, { retainOnDelete: true });
new local.File("gone", { path: "gone.txt", content: "bye" });
`);
    await p.ok("up", "--yes");
    p.program(`export {};\n`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("retained: left in place, dropped from state");
    expect(p.read("kept.txt")).toBe("still here");
    expect(p.exists("gone.txt")).toBe(false);
    expect(p.state().resources).toEqual([]);
  });

  it("additionalSecretOutputs stores a plain output as a secret", async () => {
    p.program(`import { local } from "drydock";
const f = new local.File("f", { path: "f.txt", content: "plain" }, { additionalSecretOutputs: ["sha256"] });
export const hash = f.sha256;
`);
    await p.ok("up", "--yes");
    const res = p.state().resources.find((r) => r.urn.endsWith("::f"))!;
    expect(res.outputs.sha256).toMatchObject({ $secret: expect.any(String) });
    expect(res.outputs.content).toBe("plain");
    expect((await p.ok("stack", "output", "hash")).stdout.trim()).toBe("[secret]");
  });

  it("replacing a file at the same path deletes first, so the new file survives", async () => {
    const prog = (c: string) => `import { local } from "drydock";
new local.File("same-path", { path: "same.txt", content: "${c}" }, { replaceOnChanges: ["content"] });
`;
    p.program(prog("one"));
    await p.ok("up", "--yes");
    p.program(prog("two"));
    const r = await p.ok("up", "--yes");
    expect(r.stdout).toContain("+- 1 replaced");
    expect(p.read("same.txt")).toBe("two");
    await p.ok("preview", "--expect-no-changes");
  });

  it("a protected resource is not replaced; lifting protect in the same change lets it be", async () => {
    const prog = (c: string, protect: boolean) => `import { local } from "drydock";
new local.File("guarded", { path: "guarded.txt", content: "${c}" }, { replaceOnChanges: ["content"], protect: ${protect} });
`;
    p.program(prog("one", true));
    await p.ok("up", "--yes");
    p.program(prog("two", true));
    const blocked = await p.run("up", "--yes");
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toContain("urn:drydock:dev::proj::drydock:local:File::guarded is protected");
    expect(p.read("guarded.txt")).toBe("one");
    p.program(prog("two", false));
    await p.ok("up", "--yes");
    expect(p.read("guarded.txt")).toBe("two");
  });

  it("children inherit their component's alias: renaming the component keeps them", async () => {
    const prog = (type: string, name: string, alias: string) => `import { ComponentResource, local } from "drydock";
class Site extends ComponentResource {
  constructor(n: string) {
    super("${type}", n, {}${alias});
    new local.Command(\`\${n}-svc\`.replace(/^[a-z]+-/, "site-"), { create: "echo up >> svc.log", delete: "echo down >> svc.log" }, { parent: this });
  }
}
new Site("${name}");
`;
    p.file("svc.log", "");
    p.program(prog("demo:web:Site", "www", ""));
    await p.ok("up", "--yes");
    p.program(prog("demo:web:Website", "web", `, { aliases: [{ type: "demo:web:Site", name: "www" }] }`));
    const r = await p.ok("preview");
    expect(r.stdout).toContain("renamed from urn:drydock:dev::proj::demo:web:Site$drydock:local:Command::site-svc");
    expect(r.stdout).toContain("Resources: 2 unchanged");
    await p.ok("up", "--yes");
    expect(p.read("svc.log")).toBe("up\n");
    expect(p.state().resources.map((x) => x.urn).sort()).toEqual([
      "urn:drydock:dev::proj::demo:web:Website$drydock:local:Command::site-svc",
      "urn:drydock:dev::proj::demo:web:Website::web",
    ]);
  });
});
