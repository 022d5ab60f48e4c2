/** Bridges and profiles change in place (the same LXD object, new config); refresh sees them deleted outside drydock. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { describeLab, labProgram, lxc, lxcNames, sweep, type Lab } from "./env.js";

const PREFIX = "dd-upd";

function program(lab: Lab, expiry: string, limit: string): string {
  return labProgram(lab, `new lxd.Network("br", { remote, name: "${PREFIX}-br", ipv4: "10.212.0.1/24", config: { "ipv4.dhcp.expiry": "${expiry}" } });
new lxd.Profile("prof", { remote, name: "${PREFIX}-prof", config: { "limits.memory": "${limit}" } });`);
}

describeLab("in-place updates of LXD bridges and profiles", (lab) => {
  const p = new TempProject("upd");

  beforeAll(async () => {
    await sweep(PREFIX);
    await p.ok("stack", "init", "dev");
  });
  afterAll(async () => {
    await p.run("destroy", "--yes");
    await sweep(PREFIX);
    p.cleanup();
  });

  it("updates a bridge's and a profile's config without replacing them, and keeps LXD's own keys", async () => {
    p.program(program(lab, "2h", "256MiB"));
    await p.ok("up", "--yes");
    const hwaddr = await lxc("network", "get", `${PREFIX}-br`, "bridge.hwaddr").catch(() => "");
    p.program(program(lab, "3h", "384MiB"));
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/~ {2}drydock:lxd:Network {2}br {2}update/);
    expect(preview.stdout).toMatch(/~ {2}drydock:lxd:Profile {2}prof {2}update/);
    await p.ok("up", "--yes");
    expect((await lxc("network", "get", `${PREFIX}-br`, "ipv4.dhcp.expiry")).trim()).toBe("3h");
    expect((await lxc("network", "get", `${PREFIX}-br`, "ipv4.address")).trim()).toBe("10.212.0.1/24");
    expect(await lxc("network", "get", `${PREFIX}-br`, "bridge.hwaddr").catch(() => "")).toBe(hwaddr);
    expect((await lxc("profile", "get", `${PREFIX}-prof`, "limits.memory")).trim()).toBe("384MiB");
    await p.ok("preview", "--expect-no-changes");
  });

  it("a bridge deleted outside drydock is seen, made again, and destroy copes with one already gone", async () => {
    await lxc("network", "delete", `${PREFIX}-br`);
    expect((await p.ok("refresh", "--yes")).stdout).toMatch(/br.*gone: deleted outside drydock/);
    await p.ok("up", "--yes");
    expect(await lxcNames("network list", PREFIX)).toEqual([`${PREFIX}-br`]);
    await lxc("profile", "delete", `${PREFIX}-prof`);
    await p.ok("destroy", "--yes");
    expect(await lxcNames("network list", PREFIX)).toEqual([]);
    expect(await lxcNames("profile list", PREFIX)).toEqual([]);
  });
});
