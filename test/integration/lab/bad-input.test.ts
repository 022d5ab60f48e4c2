/**
 * Bad LXD input is refused in the plan, before anything is touched: every
 * problem named with its resource, field and value; nothing on the server,
 * nothing in state.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { describeLab, labProgram, lxcNames, sweep } from "./env.js";

const PREFIX = "dd-bad";

describeLab("bad LXD input on the lab", (lab) => {
  const p = new TempProject("bad");

  beforeAll(async () => {
    await sweep(PREFIX);
    await p.ok("stack", "init", "dev");
  });
  // A refused plan touches nothing; a test that did touch something is cleaned up before the next.
  afterEach(async () => {
    await p.run("destroy", "--yes");
  }, 60_000);
  afterAll(async () => {
    await sweep(PREFIX);
    p.cleanup();
  });

  async function refused(body: string): Promise<string> {
    p.program(labProgram(lab, body));
    const r = await p.run("up", "--yes");
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(await lxcNames("list", PREFIX)).toEqual([]);
    expect(await lxcNames("network list", PREFIX)).toEqual([]);
    expect(p.exists(".drydock/stacks/bad/dev.json") ? p.state("dev", "bad").resources.length : 0).toBe(0);
    return r.stdout + r.stderr;
  }

  it("an invalid CIDR names the field and the value", async () => {
    const out = await refused(`new lxd.Network("net", { remote, name: "${PREFIX}-br", ipv4: "10.220.0.0/24" });`);
    expect(out).toMatch(/✖ ipv4 10\.220\.0\.0 is the network address of \/24.* \(got "10\.220\.0\.0\/24"\) → at net\.ipv4/);
  });

  it("memory in decimal units is refused with the binary form suggested", async () => {
    const out = await refused(`new lxd.Instance("n1", { remote, name: "${PREFIX}-n1", image: "${lab.image}", limits: { memory: "2GB" } });`);
    expect(out).toContain('must be a size in binary units such as "512MiB" or "2GiB"');
    expect(out).toContain("2GB");
    expect(out).toContain("limits.memory");
  });

  it("an unknown pool is refused in the plan, while a pool the program declares is fine", async () => {
    const out = await refused(`new lxd.Instance("n1", { remote, name: "${PREFIX}-n1", image: "${lab.image}", rootDisk: { pool: "no-such-pool" } });`);
    expect(out).toMatch(/storage-pool "no-such-pool" does not exist on the LXD server .* no resource of this program declares it/);
    expect(out).toContain("rootDisk.pool");
    p.program(labProgram(lab, `
new lxd.StoragePool("pool", { remote, name: "${PREFIX}-pool", driver: "dir" });
new lxd.Instance("n1", { remote, name: "${PREFIX}-n1", image: "${lab.image}", rootDisk: { pool: "${PREFIX}-pool" } });`));
    const preview = await p.run("preview");
    expect(preview.exitCode, preview.stdout + preview.stderr).toBe(0);
  });

  it("two instances with one name on one server are refused", async () => {
    const out = await refused(`
new lxd.Instance("a", { remote, name: "${PREFIX}-same", image: "${lab.image}" });
new lxd.Instance("b", { remote, name: "${PREFIX}-same", image: "${lab.image}" });`);
    expect(out).toMatch(/instance "dd-bad-same" is already declared by urn:drydock:dev::bad::drydock:lxd:Instance::a/);
  });

  it("an unknown image alias is refused", async () => {
    const out = await refused(`new lxd.Instance("n1", { remote, name: "${PREFIX}-n1", image: "no-such-image" });`);
    expect(out).toMatch(/image "no-such-image" does not exist on the LXD server/);
  });

  it("an instance that is not ready in time is not left behind, and the error says so", async () => {
    p.program(labProgram(lab, `new lxd.Instance("slow", { remote, name: "${PREFIX}-slow", image: "${lab.image}",
  rootDisk: { pool: "${lab.pool}" }, readyTimeout: 0.5 });`));
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/gave up waiting for .*; the half-made instance dd-bad-slow is not kept: it was deleted/);
    expect(await lxcNames("list", PREFIX)).toEqual([]);
    // Nothing is left to block the next try: with time to boot, the same program works.
    p.program(labProgram(lab, `new lxd.Instance("slow", { remote, name: "${PREFIX}-slow", image: "${lab.image}",
  rootDisk: { pool: "${lab.pool}" }, authorizedKeys: [${JSON.stringify(lab.publicKey)}] });`));
    await p.ok("up", "--yes");
    expect(await lxcNames("list", PREFIX)).toEqual([`${PREFIX}-slow`]);
  }, 120_000);

  // LXD VMs need vhost_vsock and a usable KVM, which this machine kind lacks (../shared/LAB.md).
  console.warn("SKIP lxd virtual-machine instances: LXD VMs cannot run on this machine kind (no vhost_vsock, no usable nested KVM)");
  it.skip("virtual-machine instances (LXD VMs cannot run on this machine kind)", () => {});
});
