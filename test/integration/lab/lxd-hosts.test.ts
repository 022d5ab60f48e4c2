/**
 * End to end on the real lab: examples/lxd-hosts through the real CLI, every
 * LXD call going over SSH to the API socket. Out-of-band changes are made with
 * lxc, as an operator would.
 */
import { cpSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { describeLab, exampleFile, lxc, lxcNames, sweep } from "./env.js";

const PREFIX = "dd-e2e";

describeLab("examples/lxd-hosts on the lab", (lab) => {
  const p = new TempProject("lxd-hosts");
  const alt = `${PREFIX}-alt-image`;

  beforeAll(async () => {
    await sweep(PREFIX);
    cpSync(exampleFile("lxd-hosts", "index.ts"), `${p.dir}/index.ts`);
    await p.ok("stack", "init", "dev");
    const config: Record<string, string> = {
      prefix: PREFIX, sshHost: lab.host, sshPort: String(lab.port), sshUser: lab.user, sshKeyPath: lab.key,
      sshHostKey: lab.hostKey, authorizedKey: lab.publicKey, image: lab.image, subnet: "10.211.0.1/24",
    };
    for (const [k, v] of Object.entries(config)) await p.ok("config", "set", k, v);
    // A second alias of the lab image: changing `image` to it must replace the instances.
    const fp = (await lxc("image", "info", lab.image)).match(/Fingerprint: (\w+)/)![1]!;
    await lxc("image", "alias", "create", alt, fp).catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    await p.run("destroy", "--yes");
    await sweep(PREFIX);
    await lxc("image", "alias", "delete", alt).catch(() => undefined);
    p.cleanup();
  }, 120_000);

  it("creates pool, bridge, profile and three instances, each reached by SSH through the jump host with its pinned key", async () => {
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("+ 11 created");
    const out = JSON.parse((await p.ok("stack", "output", "--json")).stdout) as Record<string, string[]>;
    expect(out.greetings).toEqual([1, 2, 3].map((i) => `${PREFIX}-node-${i} running`));
    for (const a of out.addresses!) expect(a).toMatch(/^10\.211\.0\.\d+$/);
    // The pinned keys are the instances' own, as lxc reads them.
    for (let i = 1; i <= 3; i++) {
      const key = (await lxc("file", "pull", `${PREFIX}-node-${i}/etc/ssh/ssh_host_ed25519_key.pub`, "-")).trim();
      expect(key.startsWith(out.hostKeys![i - 1]!)).toBe(true);
    }
    expect(await lxcNames("list", PREFIX)).toEqual([1, 2, 3].map((i) => `${PREFIX}-node-${i}`));
    expect(await lxc("network", "get", `${PREFIX}-br0`, "ipv4.address")).toBe("10.211.0.1/24\n".trim());
    await p.ok("preview", "--expect-no-changes");
  }, 180_000);

  it("sees an instance deleted outside drydock and creates it again", async () => {
    await lxc("delete", "--force", `${PREFIX}-node-3`);
    const refresh = await p.ok("refresh", "--yes");
    expect(refresh.stdout).toMatch(/node-3.*gone: deleted outside drydock/);
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/\+ {2}drydock:lxd:Instance {2}node-3 {2}create/);
    await p.ok("up", "--yes");
    expect(await lxcNames("list", PREFIX)).toContain(`${PREFIX}-node-3`);
    await p.ok("preview", "--expect-no-changes");
  }, 180_000);

  it("changes the memory limit in place, without replacing anything", async () => {
    const before = await lxc("config", "get", `${PREFIX}-node-1`, "volatile.uuid");
    await p.ok("config", "set", "memory", "768MiB");
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/~ {2}drydock:lxd:Instance {2}node-1 {2}update/);
    expect(preview.stdout).not.toMatch(/replace/);
    await p.ok("up", "--yes");
    expect((await lxc("config", "get", `${PREFIX}-node-1`, "limits.memory")).trim()).toBe("768MiB");
    expect(await lxc("config", "get", `${PREFIX}-node-1`, "volatile.uuid")).toBe(before);
    // Drift: a limit changed outside drydock shows in the next plan.
    await lxc("config", "set", `${PREFIX}-node-2`, "limits.memory", "640MiB");
    await p.ok("refresh", "--yes");
    expect((await p.ok("preview")).stdout).toMatch(/~ {2}drydock:lxd:Instance {2}node-2 {2}update/);
    await p.ok("up", "--yes");
    expect((await lxc("config", "get", `${PREFIX}-node-2`, "limits.memory")).trim()).toBe("768MiB");
  }, 180_000);

  it("replaces the instances when the image changes", async () => {
    const before = await lxc("config", "get", `${PREFIX}-node-1`, "volatile.uuid");
    await p.ok("config", "set", "image", alt);
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/drydock:lxd:Instance {2}node-1 {2}replace/);
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toMatch(/node-1/);
    expect(await lxc("config", "get", `${PREFIX}-node-1`, "volatile.uuid")).not.toBe(before);
    const out = JSON.parse((await p.ok("stack", "output", "--json")).stdout) as Record<string, string[]>;
    expect(out.greetings).toEqual([1, 2, 3].map((i) => `${PREFIX}-node-${i} running`));
    await p.ok("preview", "--expect-no-changes");
  }, 240_000);

  it("destroy leaves no instance, profile, network or pool behind", async () => {
    await p.ok("destroy", "--yes");
    expect(await lxcNames("list", PREFIX)).toEqual([]);
    expect(await lxcNames("profile list", PREFIX)).toEqual([]);
    expect(await lxcNames("network list", PREFIX)).toEqual([]);
    expect(await lxcNames("storage list", PREFIX)).toEqual([]);
  }, 180_000);
});
