/**
 * Interrupted runs through the real CLI: a create killed mid-way is
 * reconciled on the next run. A read that fails keeps the operation pending
 * and fails the run naming the resource and its host; once the host answers,
 * the create is adopted with the dependencies it was created with.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { TempProject } from "./cli.js";

let p: TempProject;

beforeEach(async () => {
  p = new TempProject();
  p.file("drydock.yaml", "name: proj\nmain: index.ts\nproviders:\n  kv: ./kv.ts\n");
  // Entries are files; DOWN makes the "host" unreachable, CRASH_ON kills drydock in the middle of that entry's create.
  p.file("kv.ts", `import { existsSync, rmSync, writeFileSync } from "node:fs";
export const providers = { "kv:store:Entry": {
  idFor: (i: any) => i.v,
  async create(i: any) {
    writeFileSync(\`kv-\${i.v}\`, i.v);
    if (process.env.CRASH_ON === i.v) process.kill(process.pid, "SIGKILL");
    return { id: i.v, outs: {} };
  },
  async read(id: string) {
    if (process.env.DOWN) throw new Error("kv@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22");
    return existsSync(\`kv-\${id}\`) ? { id, props: {} } : undefined;
  },
  async delete(id: string) { rmSync(\`kv-\${id}\`, { force: true }); },
} };
`);
  p.program(`import { CustomResource } from "drydock";
const a = new CustomResource("kv:store:Entry", "a", { v: "a" });
new CustomResource("kv:store:Entry", "b", { v: "b" }, { dependsOn: [a] });
`);
  await p.ok("stack", "init", "dev");
});

afterEach(() => p.cleanup());

const URN_B = "urn:drydock:dev::proj::kv:store:Entry::b";

it("a create whose read-back fails stays pending and fails the run naming it; once readable it is adopted with its dependencies", async () => {
  const crashed = await p.spawn(["up", "--yes"], { CRASH_ON: "b" });
  expect(crashed.signal).toBe("SIGKILL");
  await p.ok("stack", "unlock");
  expect(p.state().pending).toMatchObject([{ op: "create", urn: URN_B, dependencies: ["urn:drydock:dev::proj::kv:store:Entry::a"] }]);

  const down = await p.spawn(["up", "--yes"], { DOWN: "1" });
  expect(down.exitCode).toBe(1);
  expect(String(down.stderr)).toContain(`error: ${URN_B}: reading back an interrupted create failed: kv@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22; it stays pending for the next run`);
  expect(p.state().pending).toMatchObject([{ op: "create", urn: URN_B }]);
  expect(p.state().resources.map((r) => r.urn)).toEqual(["urn:drydock:dev::proj::kv:store:Entry::a"]);

  const up = await p.ok("up", "--yes");
  expect(up.stdout + up.stderr).toMatch(/an interrupted create was found in place \(id b\) and adopted/);
  const b = p.state().resources.find((r) => r.urn === URN_B) as { dependencies?: string[] } | undefined;
  expect(b?.dependencies).toEqual(["urn:drydock:dev::proj::kv:store:Entry::a"]);
  expect(p.state().pending).toEqual([]);
});
