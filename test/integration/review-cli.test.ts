/** Regressions from review: the CLI's edges. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, TempProject } from "./cli.js";

describe("CLI edges", () => {
  const p = new TempProject();
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    p.program(`import { local } from "drydock";
const a = new local.File("a", { path: "a.txt", content: "a" });
export const hash = a.sha256;
`);
    await p.ok("up", "--yes");
  });
  afterAll(() => p.cleanup());

  it("a --target that names nothing is an error", async () => {
    for (const cmd of [["up", "--yes"], ["preview"], ["destroy", "--yes"]]) {
      const r = await p.run(...cmd, "--target", "urn:drydock:dev::proj::drydock:local:File::nope");
      expect(r.exitCode, cmd.join(" ")).toBe(2);
      expect(r.stderr).toContain("--target names no resource of this stack");
    }
    expect(p.exists("a.txt")).toBe(true);
  });

  it("--expect-no-changes counts a new stack output as a change", async () => {
    p.program(`import { local } from "drydock";
const a = new local.File("a", { path: "a.txt", content: "a" });
export const hash = a.sha256;
export const extra = "new";
`);
    expect((await p.run("up", "--yes", "--expect-no-changes")).exitCode).toBe(1);
    expect((await p.ok("stack", "output", "--json")).stdout).not.toContain("extra");
    await p.ok("up", "--yes");
  });

  it("invalid resource options: every problem with its path, exit 2", async () => {
    p.program(`import { local } from "drydock";
new local.File("a", { path: "a.txt", content: "a" }, { protect: "no", replaceOnChanges: "path", customTimeouts: "5m", aliases: "x" } as any);
`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    for (const path of ["opts.protect", "opts.replaceOnChanges", "opts.customTimeouts", "opts.aliases"]) expect(r.stderr).toContain(`→ at ${path}`);
  });

  it("a component child depending on its own component does not hang", async () => {
    p.program(`import { ComponentResource, local } from "drydock";
class C extends ComponentResource {
  constructor(n: string) {
    super("proj:index:C", n, {});
    new local.File("c1", { path: "c1.txt", content: "1" }, { parent: this, dependsOn: [this] });
    new local.File("c2", { path: "c2.txt", content: "2" }, { parent: this, dependsOn: [this] });
  }
}
new C("c");
`);
    const r = await p.spawn(["preview"], {}).then((x) => x);
    expect(r.exitCode).toBe(0);
  }, 20_000);

  it("a bad config key is refused before it is written", async () => {
    const r = await p.run("config", "set", ":x", "1");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('config key ":x" must be key or namespace:key');
    await p.ok("config");
  });

  it("relative --passphrase-file and --events are relative to where drydock runs", async () => {
    const sub = join(p.dir, "sub");
    mkdirSync(sub, { recursive: true });
    p.file("sub/pass.txt", `${p.env.DRYDOCK_PASSPHRASE}\n`);
    p.program(`export const x = 1;\n`);
    const r = await execa(process.execPath, [BIN, "preview", "--passphrase-file", "pass.txt", "--events", "ev.ndjson"], { cwd: sub, env: {}, reject: false });
    expect(r.exitCode).toBe(0);
    expect(p.exists("sub/ev.ndjson")).toBe(true);
  });

  it("a closed stdout does not crash the run or leave the lock", async () => {
    p.program(`import { local } from "drydock";\nfor (let i = 0; i < 20; i++) new local.File(\`f\${i}\`, { path: \`f\${i}.txt\`, content: "x" });\n`);
    const r = await execa("sh", ["-c", `node ${BIN} up --yes | head -1`], { cwd: p.dir, env: p.env, reject: false });
    expect(r.stderr).not.toContain("EPIPE");
    expect(p.exists(".drydock/locks/proj/dev.json")).toBe(false);
    await p.ok("preview", "--expect-no-changes");
  });

  it("a provider failing in check or diff is named with its resource and step", async () => {
    p.file("drydock.yaml", "name: proj\nmain: index.ts\nproviders:\n  kv: ./kv.ts\n");
    p.file("kv.ts", `export const providers = { "kv:store:Entry": {
  async create(i: any) { return { id: "e", outs: i }; },
  async diff() { throw new Error("diff exploded"); },
} };
`);
    p.program(`import { CustomResource } from "drydock";
new CustomResource("kv:store:Entry", "e1", { v: process.env.V ?? "1" });
`);
    await p.ok("up", "--yes");
    const r = await p.spawn(["preview"], { V: "2" });
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain("urn:drydock:dev::proj::kv:store:Entry::e1: diff failed: diff exploded");
  });
});
