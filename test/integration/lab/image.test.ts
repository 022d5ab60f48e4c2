/** lxd.Image: a local metadata + rootfs pair imported through the API (nothing downloaded), aliased, and removed by destroy. */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { describeLab, labProgram, lxc } from "./env.js";

const ALIAS = "dd-img-test";

describeLab("lxd.Image import on the lab", (lab) => {
  const p = new TempProject("img");

  beforeAll(async () => {
    await lxc("image", "delete", ALIAS).catch(() => undefined);
    // A tiny split image: metadata.yaml in one tarball, a one-file rootfs in the other.
    const src = join(p.dir, "src");
    mkdirSync(join(src, "meta"), { recursive: true });
    mkdirSync(join(src, "rootfs", "etc"), { recursive: true });
    writeFileSync(join(src, "meta", "metadata.yaml"), `architecture: x86_64\ncreation_date: 1700000000\nproperties:\n  description: drydock import test\n`);
    writeFileSync(join(src, "rootfs", "etc", "hostname"), "imported\n");
    await execa("tar", ["-C", join(src, "meta"), "-czf", join(p.dir, "meta.tar.gz"), "metadata.yaml"]);
    await execa("tar", ["-C", join(src, "rootfs"), "-czf", join(p.dir, "rootfs.tar.gz"), "."]);
    p.program(labProgram(lab, `const image = new lxd.Image("img", { remote, alias: "${ALIAS}", metadataFile: "meta.tar.gz", rootfsFile: "rootfs.tar.gz" });
const found = new lxd.Image("found", { remote, alias: ${JSON.stringify(lab.image)} });
export const fingerprint = image.fingerprint;
export const labFingerprint = found.fingerprint;`));
    await p.ok("stack", "init", "dev");
  });

  afterAll(async () => {
    await p.run("destroy", "--yes");
    await lxc("image", "delete", ALIAS).catch(() => undefined);
    p.cleanup();
  });

  it("imports the pair under its alias; the fingerprint is LXD's (sha256 of metadata then rootfs)", async () => {
    await p.ok("up", "--yes");
    const out = JSON.parse((await p.ok("stack", "output", "--json")).stdout) as Record<string, string>;
    const expected = createHash("sha256").update(readFileSync(join(p.dir, "meta.tar.gz"))).update(readFileSync(join(p.dir, "rootfs.tar.gz"))).digest("hex");
    expect(out.fingerprint).toBe(expected);
    expect(await lxc("image", "info", ALIAS)).toContain(`Fingerprint: ${expected}`);
    expect(await lxc("image", "info", lab.image)).toContain(`Fingerprint: ${out.labFingerprint}`);
    await p.ok("preview", "--expect-no-changes");
  });

  it("destroy deletes the imported image and leaves the referenced one alone", async () => {
    await p.ok("destroy", "--yes");
    await expect(lxc("image", "info", ALIAS)).rejects.toThrow();
    expect(await lxc("image", "info", lab.image)).toContain("Fingerprint:");
  });
});
