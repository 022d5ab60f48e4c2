/** --target, --target-dependents, components, --parallel and the JSON event stream. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject, lines } from "./cli.js";

const URN = (name: string, type = "drydock:local:File") => `urn:drydock:dev::proj::${type}::${name}`;

const program = (v: string) => `import { ComponentResource, local, interpolate, type ResourceOptions } from "drydock";
class Site extends ComponentResource {
  constructor(name: string, opts?: ResourceOptions) {
    super("demo:web:Site", name, {}, opts);
    const index = new local.File(\`\${name}-index\`, { path: \`\${name}.html\`, content: "${v}" }, { parent: this });
    this.registerOutputs({ path: index.path });
  }
}
const base = new local.File("base", { path: "base.txt", content: "${v}" });
new local.File("uses-base", { path: "uses.txt", content: interpolate\`\${base.sha256}\` });
new local.File("alone", { path: "alone.txt", content: "${v}" });
const site = new Site("www");
new local.Command("after-site", { create: "echo site-ready >> order.log" }, { dependsOn: [site] });
`;

describe("targets, components, events", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(program("v1"));
  });
  afterAll(() => p.cleanup());

  it("qualifies child URNs with the component's type and orders dependsOn after its children", async () => {
    const r = await p.ok("up", "--yes", "--parallel", "1");
    expect(r.stdout).toContain("+ 6 created");
    const urns = p.state().resources.map((x) => x.urn);
    expect(urns).toContain("urn:drydock:dev::proj::demo:web:Site::www");
    expect(urns).toContain("urn:drydock:dev::proj::demo:web:Site$drydock:local:File::www-index");
    expect(p.exists("www.html")).toBe(true);
    expect(lines(p.read("order.log"))).toEqual(["site-ready"]);
    // component outputs are recorded
    const site = p.state().resources.find((x) => x.urn.endsWith("::www"))!;
    expect(site.outputs).toEqual({ path: `${p.dir}/www.html` });
  });

  it("--target changes only the target", async () => {
    p.program(program("v2"));
    const r = await p.ok("up", "--yes", "--target", URN("alone"));
    expect(r.stdout).toContain("~ 1 updated");
    expect(p.read("alone.txt")).toBe("v2");
    expect(p.read("base.txt")).toBe("v1");
    expect(p.read("www.html")).toBe("v1");
  });

  it("--target-dependents also changes what depends on the target", async () => {
    const r = await p.ok("up", "--yes", "--target", URN("base"), "--target-dependents");
    expect(r.stdout).toContain("~ 2 updated");
    expect(p.read("base.txt")).toBe("v2");
    expect(p.read("www.html")).toBe("v1");
    await p.ok("up", "--yes");
    expect(p.read("www.html")).toBe("v2");
    await p.ok("preview", "--expect-no-changes");
  });

  it("streams JSON events: one object per line, steps with URNs and a summary", async () => {
    p.program(program("v3"));
    const r = await p.ok("up", "--yes", "--json");
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ type: "prelude", operation: "up", dryRun: true });
    const plan = events.filter((e) => e.type === "step" && e.phase === "plan" && e.op === "update");
    expect(plan.map((e) => e.name).sort()).toEqual(["alone", "base", "uses-base", "www-index"]);
    const done = events.filter((e) => e.type === "step" && e.phase === "done" && e.op === "update");
    expect(done).toHaveLength(4);
    expect(done.every((e) => typeof e.durationMs === "number" && String(e.urn).startsWith("urn:drydock:"))).toBe(true);
    const summaries = events.filter((e) => e.type === "summary");
    expect(summaries.map((s) => s.dryRun)).toEqual([true, false]);
    expect(summaries[1]).toMatchObject({ result: "succeeded", counts: { update: 4 } });
  });

  it("destroy --target needs --target-dependents when something depends on the target", async () => {
    const r = await p.run("destroy", "--yes", "--target", URN("base"));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${URN("uses-base")} depends on a targeted resource`);
    await p.ok("destroy", "--yes", "--target", URN("base"), "--target-dependents");
    expect(p.exists("base.txt")).toBe(false);
    expect(p.exists("uses.txt")).toBe(false);
    expect(p.exists("alone.txt")).toBe(true);
  });
});
