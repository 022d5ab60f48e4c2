/** config set / rm: under the stack's lock, on the file as it is now, keeping comments; secrets never on argv. */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BIN, freshProjects } from "./cli.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("config edits", () => {
  const projects = freshProjects();

  it("config set and rm take the stack's lock", async () => {
    const p = await projects.project("export const x = 1;\n");
    const before = p.read("drydock.dev.yaml");
    const lock = join(p.dir, ".drydock", "locks", "proj", "dev.json");
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: "t", command: "drydock up" }));
    for (const args of [["config", "set", "greeting", "hi"], ["config", "rm", "greeting"]]) {
      const r = await p.run(...args);
      expect(r.exitCode, args.join(" ")).toBe(1);
      expect(r.stderr).toContain('stack "dev" is locked by "drydock up"');
    }
    expect(p.read("drydock.dev.yaml")).toBe(before);
  });

  it("keeps the file's comments and layout, changing only its key", async () => {
    const p = await projects.project("export const x = 1;\n");
    p.file("drydock.dev.yaml", "# settings for dev\nconfig:\n  # shown on the motd\n  proj:greeting: hi # short\n  proj:old: x\n");
    await p.ok("config", "set", "greeting", "hello");
    await p.ok("config", "set", "extra", "e");
    await p.ok("config", "rm", "old");
    expect(p.read("drydock.dev.yaml")).toBe("# settings for dev\nconfig:\n  # shown on the motd\n  proj:greeting: hello # short\n  proj:extra: e\n");
  });

  it("a run that makes the stack's salt writes only the salt, over the file as it is then", async () => {
    const p = await projects.project(`import { local, secret } from "drydock";
const slow = new local.Command("slow", { create: "touch started; sleep 2; echo done" });
new local.Command("uses-secret", { create: "true", environment: { T: secret("tok"), AFTER: slow.stdout } });
`);
    p.file("drydock.dev.yaml", "# dev\nconfig: {}\n");
    const run = p.spawn(["up", "--yes"]);
    for (let i = 0; i < 200 && !p.exists("started"); i++) await new Promise((r) => setTimeout(r, 50));
    // an edit made while the run holds the lock, before it first needs the salt
    p.file("drydock.dev.yaml", "# dev, edited\nconfig:\n  proj:added: during the run # keep me\n");
    expect((await run).exitCode).toBe(0);
    const text = p.read("drydock.dev.yaml");
    expect(text).toContain("# dev, edited");
    expect(text).toContain("proj:added: during the run # keep me");
    expect(text).toMatch(/^encryptionsalt: v2:/m);
    expect((await p.ok("config", "get", "added")).stdout.trim()).toBe("during the run");
    await p.ok("preview", "--expect-no-changes");
  });

  it("a secret given on the command line is stored with a warning; piped, it is not", async () => {
    const p = await projects.project("export const x = 1;\n");
    const argv = await p.ok("config", "set", "token", "s3cr3t-argv", "--secret");
    expect(argv.stderr).toContain("warning: the secret value of proj:token was given on the command line");
    const piped = await execa(process.execPath, [BIN, "config", "set", "token2", "--secret"], { cwd: p.dir, env: p.env, input: "s3cr3t-pipe\n", reject: false });
    expect(piped.exitCode).toBe(0);
    expect(piped.stderr).not.toContain("warning");
    expect(p.read("drydock.dev.yaml")).not.toMatch(/s3cr3t/);
    expect((await p.ok("config", "get", "token2", "--show-secrets")).stdout.trim()).toBe("s3cr3t-pipe");
  });

  it("--secret without a value on a terminal asks for it without echoing it", async (t) => {
    const script = ["/usr/bin/script", "/bin/script"].find((f) => existsSync(f));
    if (!script) {
      t.skip("no `script` command to give drydock a terminal");
      return;
    }
    const p = await projects.project("export const x = 1;\n");
    const cmd = `"${process.execPath}" "${BIN}" config set pw --secret`;
    const run = execa(script, ["-qec", cmd, "/dev/null"], { cwd: p.dir, env: p.env, reject: false, timeout: 30_000 });
    let seen = "";
    run.stdout!.on("data", (d: Buffer) => (seen += String(d)));
    for (let i = 0; i < 200 && !seen.includes("not shown"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toContain("Value of proj:pw (secret, not shown): ");
    run.stdin!.write("hunter2-typed\r");
    const r = await run;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).not.toContain("hunter2-typed");
    expect((await p.ok("config", "get", "pw", "--show-secrets")).stdout.trim()).toBe("hunter2-typed");
  });

  it("no doc, README or example puts a secret value on the command line", () => {
    const files: string[] = [join(ROOT, "README.md")];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const full = join(dir, f);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(md|sh|mjs|ts|ya?ml)$/.test(f)) files.push(full);
      }
    };
    walk(join(ROOT, "docs"));
    walk(join(ROOT, "examples"));
    const offending: string[] = [];
    for (const f of files) {
      readFileSync(f, "utf8").split("\n").forEach((line, i) => {
        for (const m of line.matchAll(/config set ([^`|;#\n]*)/g)) {
          // up to a redirection: `config set k --secret < file` reads the value from the file
          const words = m[1]!.split(/\s<\s/)[0]!.trim().split(/\s+/);
          const args = words.filter((w) => !w.startsWith("-") && w !== "[value]" && !/^\[--/.test(w));
          if (words.includes("--secret") && args.length > 1) offending.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offending).toEqual([]);
  });
});
