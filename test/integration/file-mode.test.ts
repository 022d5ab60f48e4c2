/** A file whose content is secret lands owner-only unless the program gives a mode (m3), through the real CLI. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshProjects } from "./cli.js";

describe("file modes", () => {
  const { project } = freshProjects();

  it("secret content defaults to 0600, other content to 0644, and an explicit mode wins", async () => {
    const p = await project();
    p.program(`import { local, secret } from "drydock";
new local.File("key", { path: "key.pem", content: secret("-----BEGIN PRIVATE KEY-----") });
new local.File("pub", { path: "pub.pem", content: "-----BEGIN PUBLIC KEY-----" });
new local.File("shared", { path: "shared.pem", content: secret("shared"), mode: "0640" });
`);
    await p.ok("up", "--yes");
    const mode = (f: string): string => (statSync(join(p.dir, f)).mode & 0o777).toString(8);
    expect([mode("key.pem"), mode("pub.pem"), mode("shared.pem")]).toEqual(["600", "644", "640"]);
    await p.ok("preview", "--expect-no-changes");
  });
});
