/** State history: each pass that changes the checkpoint keeps the one before; `stack restore` puts one back. */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshProjects, type TempProject } from "./cli.js";

const PROGRAM = `import { local, secret } from "drydock";
new local.File("a", { path: "a.txt", content: secret("hunter2-plaintext") });
if (process.env.B) new local.File("b", { path: "b.txt", content: "b" });
`;

interface Row { id: string; time: string; operation: string; resources: number }

async function history(p: TempProject): Promise<Row[]> {
  return JSON.parse((await p.ok("stack", "history", "--json")).stdout) as Row[];
}

function historyDir(p: TempProject): string {
  return join(p.dir, ".drydock", "history", "proj", "dev");
}

describe("state history", () => {
  const projects = freshProjects();

  it("a pass that changes the checkpoint keeps the previous one (0600, encrypted); a no-op up or refresh keeps none", async () => {
    const p = await projects.project(PROGRAM);
    await p.ok("up", "--yes");
    expect(await history(p)).toMatchObject([{ operation: "up", resources: 0 }]);
    const before = p.read(".drydock/stacks/proj/dev.json");
    await p.ok("up", "--yes"); // no-op
    await p.ok("refresh", "--yes"); // reads the secret back: new ciphertext, same content
    expect(await history(p)).toHaveLength(1);
    const r = await p.spawn(["up", "--yes"], { B: "1" });
    expect(r.exitCode).toBe(0);
    const rows = await history(p);
    expect(rows.map((x) => [x.operation, x.resources])).toEqual([["up", 1], ["up", 0]]);
    // the copy is the checkpoint as it was, byte for byte (secrets encrypted exactly like the state)
    const copy = readFileSync(join(historyDir(p), `${rows[0]!.id}.json`), "utf8");
    expect(JSON.parse(copy).resources).toHaveLength(JSON.parse(before).resources.length);
    expect(copy).toContain('"$secret"');
    expect(statSync(join(p.dir, ".drydock", "history")).mode & 0o777).toBe(0o700);
    expect(statSync(historyDir(p)).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(historyDir(p))) {
      expect(statSync(join(historyDir(p), f)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(historyDir(p), f), "utf8")).not.toContain("hunter2-plaintext");
    }
    const text = (await p.ok("stack", "history")).stdout;
    expect(text).toMatch(/^ID\s+TAKEN\s+BEFORE\s+RESOURCES$/m);
    expect(text).toContain(`${rows[0]!.id}`);
  });

  it("stack restore puts a copy back under the lock, keeps the current checkpoint first, and can be undone", async () => {
    const p = await projects.project(PROGRAM);
    await p.ok("up", "--yes");
    expect((await p.spawn(["up", "--yes"], { B: "1" })).exitCode).toBe(0);
    const withB = p.read(".drydock/stacks/proj/dev.json");
    const [newest] = await history(p); // the checkpoint with "a" only
    // a held lock stops a restore
    const lock = join(p.dir, ".drydock", "locks", "proj", "dev.json");
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: "t", command: "drydock up" }));
    const locked = await p.run("stack", "restore", newest!.id);
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toContain('stack "dev" is locked by "drydock up"');
    expect(p.read(".drydock/stacks/proj/dev.json")).toBe(withB);
    await p.ok("stack", "unlock", "--force");

    const r = await p.ok("stack", "restore", newest!.id);
    expect(r.stdout).toContain(`Restored stack "dev" from ${newest!.id} (1 resources)`);
    expect(p.state().resources.map((x) => x.urn.split("::").at(-1))).toEqual(["a"]);
    const rows = await history(p);
    expect(rows[0]).toMatchObject({ operation: "restore", resources: 2 });
    expect(p.exists(".drydock/locks/proj/dev.json")).toBe(false);
    // undo the restore
    await p.ok("stack", "restore", rows[0]!.id);
    expect(p.read(".drydock/stacks/proj/dev.json")).toBe(withB);
    expect((await p.spawn(["preview", "--expect-no-changes"], { B: "1" })).exitCode).toBe(0);
  });

  it("stack restore refuses a checkpoint of another stack or project, and an unknown id", async () => {
    const p = await projects.project(PROGRAM);
    await p.ok("up", "--yes");
    const current = p.read(".drydock/stacks/proj/dev.json");
    await p.ok("stack", "init", "prod");
    const other = await p.run("stack", "restore", "--stack", "dev", ".drydock/stacks/proj/prod.json");
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain('is a checkpoint of stack "prod" of project "proj", not of stack "dev" of project "proj"');
    p.file("foreign.json", current.replace('"project": "proj"', '"project": "elsewhere"'));
    const foreign = await p.run("stack", "restore", "--stack", "dev", "foreign.json");
    expect(foreign.exitCode).toBe(2);
    expect(foreign.stderr).toContain('of project "elsewhere", not of stack "dev" of project "proj"');
    const unknown = await p.run("stack", "restore", "--stack", "dev", "20990101T000000.000Z-up");
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("drydock stack history");
    expect(p.read(".drydock/stacks/proj/dev.json")).toBe(current);
  });
});
