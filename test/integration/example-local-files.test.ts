/** End to end: the examples/local-files program through the real CLI, on a copy of the example. */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, TempProject } from "./cli.js";

const EXAMPLE = join(import.meta.dirname, "../../examples/local-files");

describe("examples/local-files", () => {
  const p = new TempProject("local-files");
  beforeAll(async () => {
    cpSync(join(EXAMPLE, "index.ts"), join(p.dir, "index.ts"));
    cpSync(join(EXAMPLE, "drydock.yaml"), join(p.dir, "drydock.yaml"));
    await p.ok("stack", "init", "dev");
    // the secret goes in on standard input, as the README shows
    const set = await execa(process.execPath, [BIN, "config", "set", "apiToken", "--secret"], { cwd: p.dir, env: p.env, input: "tok-123456789" });
    expect(set.exitCode).toBe(0);
  });
  afterAll(() => p.cleanup());

  it("renders the files, the secret only into its 0600 file", async () => {
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("+ 5 created");
    expect(p.read("out/credentials.env")).toBe("API_TOKEN=tok-123456789\n");
    expect(JSON.parse(p.read("out/settings.json"))).toEqual({ site: "drydock-demo", replicas: 2 });
    expect(p.read("out/SHA256SUMS")).toMatch(/settings\.json\n.*replica-0\.conf\n.*replica-1\.conf\n$/);
    expect(up.stdout + p.read(".drydock/stacks/local-files/dev.json")).not.toContain("tok-123456789");
    await p.ok("preview", "--expect-no-changes");
  });

  it("scales with config: new replica files, changed settings, checksums re-run", async () => {
    await p.ok("config", "set", "replicas", "3");
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/\+ {2}drydock:local:File {2}replica-2 {2}create/);
    expect(preview.stdout).toMatch(/\+- drydock:local:Command {2}checksums {2}replace/);
    await p.ok("up", "--yes");
    expect(p.read("out/SHA256SUMS")).toContain("replica-2.conf");
    await p.ok("config", "set", "replicas", "1");
    await p.ok("up", "--yes");
    expect(p.exists("out/replica-1.conf")).toBe(false);
    expect(p.exists("out/replica-2.conf")).toBe(false);
    expect(p.read("out/SHA256SUMS")).not.toContain("replica-1.conf");
  });

  it("destroys everything it made", async () => {
    await p.ok("destroy", "--yes");
    for (const f of ["settings.json", "credentials.env", "replica-0.conf", "SHA256SUMS"]) expect(p.exists(`out/${f}`), f).toBe(false);
  });
});
