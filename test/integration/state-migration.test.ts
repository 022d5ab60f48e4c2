/** A stack written by the drydock before state format 2 (salt v1, unbound ciphertexts) keeps working and is migrated. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TempProject, freshProjects } from "./cli.js";

const FIXTURE = resolve(import.meta.dirname, "../unit/engine/state/fixtures/state-v1.json");

describe("state format 1", () => {
  const { track } = freshProjects();

  it("is read, its config still opens, and the next write is format 2 with every secret bound and no credential in plain", async () => {
    const p = track(new TempProject());
    p.env = { DRYDOCK_PASSPHRASE: "fixture passphrase" };
    const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as { salt: string; state: { outputs: { secretOut: { $secret: string } } } };
    // A v1 ciphertext of the JSON string "v1-fixture-stack-output" is also what `config set --secret` wrote then.
    p.file("drydock.dev.yaml", `encryptionsalt: ${fixture.salt}\nconfig:\n  proj:token:\n    secure: ${fixture.state.outputs.secretOut.$secret}\n`);
    mkdirSync(join(p.dir, ".drydock", "stacks", "proj"), { recursive: true });
    writeFileSync(p.statePath(), JSON.stringify(fixture.state));
    p.file(".drydock/workspace.json", JSON.stringify({ stack: "dev" }));
    p.program(`import { Config, local } from "drydock";
new local.File("f", { path: "f.txt", content: "x" });
export const token = new Config().requireSecret("token");
`);
    // Only the new file is acted on: the old resources stay in state, to be rewritten.
    const r = await p.run("up", "--yes", "--target", "urn:drydock:dev::proj::drydock:local:File::f");
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const text = readFileSync(p.statePath(), "utf8");
    expect(JSON.parse(text).version).toBe(2);
    expect(text).not.toMatch(/"v1:|v1-plain-leaked-private-key|v1-plain-sudo-password|v1-fixture/);
    const leaked = p.state().resources.find((x) => x.urn.endsWith("::leaked"))!;
    expect(leaked.inputs.connection).toMatchObject({ host: "127.0.0.1", privateKey: { $secret: expect.stringMatching(/^v2:/) } });
    expect((await p.ok("stack", "output", "--show-secrets", "token")).stdout.trim()).toBe("v1-fixture-stack-output");
    expect((await p.ok("config", "get", "--show-secrets", "token")).stdout.trim()).toBe("v1-fixture-stack-output");
  }, 120_000);
});
