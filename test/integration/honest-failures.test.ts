/**
 * After a failure or a timeout the CLI tells the truth: a provider's cleanup
 * runs to its end, what is still running stays pending, a part-way result is
 * recorded and finished, and a shared id never skips a real delete.
 */
import { describe, expect, it } from "vitest";
import { freshProjects, lines, type TempProject } from "./cli.js";

const { project } = freshProjects();

/** A project whose `kv:x:Thing` provider is `source` (a module body exporting `providers`). */
async function withProvider(source: string, program: string): Promise<TempProject> {
  const p = await project(program);
  p.file("drydock.yaml", "name: proj\nmain: index.ts\nproviders:\n  kv: ./kv.ts\n");
  p.file("kv.ts", source);
  return p;
}

const URN = "urn:drydock:dev::proj::kv:x:Thing::t";

describe("failures and timeouts leave an honest state", () => {
  it("the worker is not killed while a provider cleans up after its deadline", async () => {
    const p = await withProvider(
      `import { writeFileSync } from "node:fs";
export const providers = { "kv:x:Thing": {
  async create(_i: any, ctx: any) {
    await new Promise((r) => ctx.signal.addEventListener("abort", r));
    await new Promise((r) => setTimeout(r, 1500)); // removing what it half-made
    writeFileSync("cleaned-up", "yes");
    throw new Error("stopped and cleaned up");
  },
} };
`,
      `import { CustomResource } from "drydock";\nnew CustomResource("kv:x:Thing", "t", {}, { customTimeouts: { create: "1s" } });\n`,
    );
    const r = await p.run("up", "--yes");
    expect(p.exists("cleaned-up")).toBe(true);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("timed out after 1s (customTimeouts.create); it then stopped: stopped and cleaned up");
    expect(p.state().pending).toEqual([]);
    expect(p.state().resources).toEqual([]);
  });

  it("a call still running after the grace period stays pending, and the next run reconciles it", async () => {
    const p = await withProvider(
      `export const providers = { "kv:x:Thing": {
  async create(i: any) {
    if (process.env.HANG === "1") await new Promise(() => {});
    return { id: "t-1", outs: i };
  },
} };
`,
      `import { CustomResource } from "drydock";\nnew CustomResource("kv:x:Thing", "t", { v: 1 }, { customTimeouts: { create: "1s" } });\n`,
    );
    const t0 = Date.now();
    const r = await p.spawn(["up", "--yes"], { HANG: "1", DRYDOCK_CANCEL_GRACE: "1s" });
    expect(r.exitCode).toBe(1);
    // Well under the default 30 s grace: DRYDOCK_CANCEL_GRACE applies (with room for a loaded machine).
    expect(Date.now() - t0).toBeLessThan(25_000);
    expect(String(r.stderr)).toContain("and was still running 1s later; its pending record is kept so the next run reconciles it");
    expect(p.state().pending).toMatchObject([{ op: "create", urn: URN, inputs: { v: 1 } }]);

    const again = await p.ok("up", "--yes");
    expect(again.stderr + again.stdout).toContain("an interrupted create may have left a real kv:x:Thing behind");
    expect(p.state().pending).toEqual([]);
    expect(p.state().resources.map((x) => x.urn)).toEqual([URN]);
  });

  it("a create that fails part-way is recorded, previewed as finishing, and finished by an update", async () => {
    const p = await withProvider(
      `import { appendFileSync } from "node:fs";
import { PartialResultError } from "drydock";
export const providers = { "kv:x:Thing": {
  async create(i: any) {
    appendFileSync("log", "create\\n");
    throw new PartialResultError("member b failed", { ...i, members: ["a"] }, "t-1");
  },
  async update(_id: string, olds: any, news: any) {
    appendFileSync("log", \`update from \${olds.members.join(",")}\\n\`);
    return { outs: { ...news, members: ["a", "b"] } };
  },
} };
`,
      `import { CustomResource } from "drydock";\nnew CustomResource("kv:x:Thing", "t", { want: 2 });\n`,
    );
    const first = await p.run("up", "--yes");
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain("member b failed; what it made is recorded in state, and the next run finishes it");
    expect(p.state().resources).toMatchObject([{ urn: URN, id: "t-1", outputs: { members: ["a"] }, initErrors: ["member b failed"] }]);

    const preview = await p.ok("preview");
    expect(preview.stdout).toContain("finishing an operation that failed part-way: member b failed");
    await p.ok("up", "--yes");
    expect(lines(p.read("log"))).toEqual(["create", "update from a"]);
    expect(p.state().resources[0]).not.toHaveProperty("initErrors");
    await p.ok("preview", "--expect-no-changes");
  });

  it("two resources sharing an id (blue/green with one clusterName) are each deleted for real", async () => {
    const p = await withProvider(
      `import { appendFileSync } from "node:fs";
export const providers = { "kv:x:Cluster": {
  async create(i: any) { appendFileSync("log", \`create \${i.host}\\n\`); return { id: i.clusterName, outs: i }; },
  async delete(_id: string, props: any) { appendFileSync("log", \`delete \${props.host}\\n\`); },
} };
`,
      `import { CustomResource } from "drydock";
new CustomResource("kv:x:Cluster", "green", { clusterName: "main", host: "new-hosts" });
if (process.env.BOTH === "1") new CustomResource("kv:x:Cluster", "blue", { clusterName: "main", host: "old-hosts" });
`,
    );
    const both = await p.spawn(["up", "--yes"], { BOTH: "1" });
    expect(both.exitCode).toBe(0);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).not.toContain("only dropped from state");
    expect(lines(p.read("log")).sort()).toEqual(["create new-hosts", "create old-hosts", "delete old-hosts"]);
  });
});
