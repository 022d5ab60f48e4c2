/** How programs load: several files, JavaScript, exports and default-exported functions. */
import { describe, expect, it } from "vitest";
import { freshProjects } from "./cli.js";

describe("program loading", () => {
  const { project } = freshProjects();

  it.each(["./lib.ts", "./lib.js", "./lib"])("a program split over files, imported as %s, without a package.json", async (spec) => {
    const p = await project();
    p.file("lib.ts", `import { local } from "drydock";
export function note(name: string) { return new local.File(name, { path: \`\${name}.txt\`, content: name }); }
`);
    p.program(`import { note } from "${spec}";\nexport const path = note("hello").path;\n`);
    await p.ok("up", "--yes");
    expect(p.read("hello.txt")).toBe("hello");
  });

  it("a JavaScript program; exported functions and classes are not outputs; a default function's result is", async () => {
    const p = await project();
    p.file("drydock.yaml", "name: proj\nmain: main.js\n");
    p.file("main.js", `import { local } from "drydock";
export class Helper {}
export function helper() {}
const f = new local.File("js", { path: "js.txt", content: "from js" });
export const size = 7;
export default async function () {
  return { fromDefault: f.sha256 };
}
`);
    await p.ok("up", "--yes");
    const out = JSON.parse((await p.ok("stack", "output", "--json")).stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(["fromDefault", "size"]);
    expect(out.fromDefault).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a targeted up keeps an output that comes from a resource it left out", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
const a = new local.File("a", { path: "a.txt", content: "a" });
export const aHash = a.sha256;
`);
    await p.ok("up", "--yes");
    const before = (await p.ok("stack", "output", "aHash")).stdout.trim();
    p.program(`import { local } from "drydock";
const a = new local.File("a", { path: "a.txt", content: "a" });
const b = new local.File("b", { path: "b.txt", content: "b" });
export const aHash = a.sha256;
export const bHash = b.sha256;
`);
    const r = await p.ok("up", "--yes", "--target", "urn:drydock:dev::proj::drydock:local:File::a");
    expect(r.stdout).toContain('stack output "bHash" depends on a resource that was not targeted');
    expect((await p.ok("stack", "output", "aHash")).stdout.trim()).toBe(before);
    expect(p.exists("b.txt")).toBe(false);
    await p.ok("up", "--yes");
    expect((await p.ok("stack", "output", "bHash")).stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
  });
});
