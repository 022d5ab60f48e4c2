/** Regressions from review: secrets must not leak through later changes, commands or error messages. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freshProjects } from "./cli.js";

const DIST = resolve(import.meta.dirname, "../../dist");

describe("secrets, continued", () => {
  const { project } = freshProjects();

  it("making an existing value secret encrypts it from then on, in the resource and the stack outputs", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
export const f = new local.File("f", { path: "f.txt", content: "hunter2-password" }).content;
`);
    await p.ok("up", "--yes");
    expect(readFileSync(p.statePath(), "utf8")).toContain("hunter2-password");
    p.program(`import { local, secret } from "drydock";
export const f = new local.File("f", { path: "f.txt", content: secret("hunter2-password") }, { additionalSecretOutputs: ["sha256"] }).content;
`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout).not.toContain("hunter2-password");
    expect(readFileSync(p.statePath(), "utf8")).not.toContain("hunter2-password");
    const res = p.state().resources[0]!;
    expect(res.outputs.sha256).toMatchObject({ $secret: expect.any(String) });
    expect((await p.ok("stack", "output", "f")).stdout.trim()).toBe("[secret]");
    await p.ok("preview", "--expect-no-changes");
  });

  it("commands never see the stack passphrase, and it is redacted everywhere", async () => {
    const p = await project();
    p.program(`import { local } from "drydock";
export const env = new local.Command("env", { create: "env | grep DRYDOCK_ || true; echo '${"$"}{HOME:-}' >/dev/null" }).stdout;
`);
    const r = await p.ok("up", "--yes");
    expect(r.stdout + r.stderr).not.toContain(p.env.DRYDOCK_PASSPHRASE);
    expect(readFileSync(p.statePath(), "utf8")).not.toContain(p.env.DRYDOCK_PASSPHRASE);
    expect((await p.ok("stack", "output", "env")).stdout).not.toContain("DRYDOCK_PASSPHRASE");
  });

  it.each([
    ["a short secret", "topsecretmode"],
    ["a long secret (no cut-off prefix either)", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSUPERSECRETKEYMATERIAL0123456789"],
  ])("an argument error about %s does not print any of it", async (_what, value) => {
    const p = await project();
    await p.ok("config", "set", "mode", value, "--secret");
    p.program(`import { Config, local } from "drydock";
new local.File("f", { path: "f.txt", content: "x", mode: new Config().requireSecret("mode") });
`);
    const r = await p.run("preview", "--json");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("→ at f.mode");
    expect(r.stdout + r.stderr).not.toContain(value.slice(0, 16));
  });

  it("a structured secret config is masked by its values, and [object Object] is not", async () => {
    const p = await project();
    const { Crypter } = await import(`${DIST}/installer/engine/secrets.js`);
    const { salt, crypter } = Crypter.create(p.env.DRYDOCK_PASSPHRASE!);
    const secure = crypter.encrypt(JSON.stringify({ user: "dbadmin", password: "structured-pw-123" }), "config proj:db");
    p.file("drydock.dev.yaml", `encryptionsalt: ${salt}\nconfig:\n  proj:db:\n    secure: ${secure}\n`);
    p.program(`import { Config } from "drydock";
new Config().requireSecret("db").apply((s) => { throw new Error("cannot use " + JSON.parse(s).password + " in [object Object]"); });
`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("cannot use [secret] in [object Object]");
    expect(r.stdout + r.stderr).not.toContain("structured-pw-123");
  });
});
