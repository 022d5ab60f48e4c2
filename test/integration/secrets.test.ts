/** Secrets are encrypted at rest and masked everywhere: state, stdout, stderr, the event stream. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TempProject } from "./cli.js";

const PLAIN = "pa55-w0rd-very-secret";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe("secrets", () => {
  const p = new TempProject();
  const seen: string[] = [];
  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    await p.ok("config", "set", "dbPassword", PLAIN, "--secret");
    await p.ok("config", "set", "user", "admin");
    p.program(`import { Config, local, interpolate, secret } from "drydock";
const cfg = new Config();
const pw = cfg.requireSecret("dbPassword");
const user = cfg.require("user");
const f = new local.File("conn", { path: "conn.txt", content: interpolate\`\${user}:\${pw}\`, mode: "0600" });
const c = new local.Command("echo", { create: "echo connecting with $PW; echo oops $PW >&2", environment: { PW: pw } });
export const connection = interpolate\`postgres://\${user}:\${pw}@db\`;
export const derived = f.sha256;
export const echoed = c.stdout;
export const literal = secret("${PLAIN}-literal");
export const visible = f.path;
`);
  });
  afterAll(() => p.cleanup());

  it("never shows the plaintext in output, state or the event stream", async () => {
    for (const args of [["preview", "--diff"], ["up", "--yes", "--diff", "--events", "events.ndjson"], ["preview", "--json"], ["stack", "output"], ["config"]]) {
      const r = await p.ok(...args);
      seen.push(r.stdout, r.stderr);
    }
    const events = p.read("events.ndjson");
    expect(events).toContain('"type":"summary"');
    for (const text of [...seen, events]) expect(text).not.toContain(PLAIN);
    expect(seen.join("\n")).toContain("[secret]");
    for (const f of filesUnder(join(p.dir, ".drydock"))) {
      expect(readFileSync(f, "utf8"), f).not.toContain(PLAIN);
    }
    expect(readFileSync(join(p.dir, "drydock.dev.yaml"), "utf8")).not.toContain(PLAIN);
    // the state file is private
    expect(statSync(p.statePath()).mode & 0o077).toBe(0);
    // ...while the real file got the real value
    expect(p.read("conn.txt")).toBe(`admin:${PLAIN}`);
  });

  it("marks everything derived from a secret as secret", async () => {
    const outputs = p.state().outputs as Record<string, unknown>;
    for (const k of ["connection", "derived", "echoed", "literal"]) {
      expect(outputs[k], k).toMatchObject({ $secret: expect.stringMatching(/^v2:/) });
    }
    expect(outputs.visible).toBe(`${p.dir}/conn.txt`);
    const shown = await p.ok("stack", "output", "--json");
    expect(JSON.parse(shown.stdout)).toMatchObject({ connection: "[secret]", echoed: "[secret]", visible: `${p.dir}/conn.txt` });
  });

  it("reveals with --show-secrets", async () => {
    const r = await p.ok("stack", "output", "connection", "--show-secrets");
    expect(r.stdout.trim()).toBe(`postgres://admin:${PLAIN}@db`);
    const echoed = await p.ok("stack", "output", "echoed", "--show-secrets");
    expect(echoed.stdout.trim()).toBe(`connecting with ${PLAIN}`);
    const cfg = await p.ok("config", "get", "dbPassword", "--show-secrets");
    expect(cfg.stdout.trim()).toBe(PLAIN);
  });

  it("redacts secrets from a failing command's error", async () => {
    p.program(`import { Config, local } from "drydock";
const pw = new Config().requireSecret("dbPassword");
new local.Command("fails", { create: "echo bad password $PW >&2; exit 3", environment: { PW: pw } });
`);
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("exited with code 3");
    expect(r.stderr).toContain("bad password [secret]");
    expect(r.stdout + r.stderr).not.toContain(PLAIN);
  });

  it("refuses a wrong passphrase clearly, and a missing one", async () => {
    p.env = { DRYDOCK_PASSPHRASE: "wrong" };
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('incorrect passphrase for stack "dev"');
    p.env = {};
    const none = await p.run("stack", "output", "--show-secrets");
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain("DRYDOCK_PASSPHRASE");
    // outputs without secrets revealed need no passphrase
    const masked = await p.ok("stack", "output", "visible");
    expect(masked.stdout.trim()).toBe(`${p.dir}/conn.txt`);
  });

  it("reads the passphrase from --passphrase-file", async () => {
    p.env = {};
    p.file("pass.txt", "correct horse battery staple\n");
    const r = await p.ok("stack", "output", "connection", "--show-secrets", "--passphrase-file", "pass.txt");
    expect(r.stdout.trim()).toBe(`postgres://admin:${PLAIN}@db`);
  });
});
