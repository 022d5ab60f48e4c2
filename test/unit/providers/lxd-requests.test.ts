import { describe, expect, it } from "vitest";
import { lxd } from "../../../sdk/index.js";
import { gatewayCidrProblem } from "../../../sdk/net.js";
import { firstIpv4, instanceCreateBody, mergedConfig, networkConfig } from "../../../installer/providers/lxd/requests.js";

const remote = {
  connection: { host: "127.0.0.1", port: 2222, user: "lab", privateKeyPath: "/k", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] },
  socket: "/var/lib/lxd/unix.socket",
};

function instance(extra: Record<string, unknown> = {}) {
  const r = lxd.InstanceArgsSchema.safeParse({ remote, name: "node-1", image: "debian-12", ...extra });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
}

describe("LXD request bodies", () => {
  it("builds an instance with limits, a root disk on a pool, NICs in order, and authorized keys", () => {
    const body = instanceCreateBody(instance({
      limits: { cpu: 2, memory: "1GiB" }, rootDisk: { pool: "fast", size: "4GiB" }, networks: ["br0", "br1"],
      config: { "security.nesting": "true" }, authorizedKeys: ["ssh-ed25519 AAAAC3Nza k"],
    }), { alias: "debian-12" });
    expect(body).toEqual({
      name: "node-1", type: "container",
      source: { type: "image", alias: "debian-12" },
      profiles: ["default"],
      config: { "security.nesting": "true", "limits.cpu": "2", "limits.memory": "1GiB", "user.ssh_authorized_keys": "ssh-ed25519 AAAAC3Nza k\n" },
      devices: {
        root: { type: "disk", path: "/", pool: "fast", size: "4GiB" },
        eth0: { type: "nic", nictype: "bridged", parent: "br0", name: "eth0" },
        eth1: { type: "nic", nictype: "bridged", parent: "br1", name: "eth1" },
      },
    });
  });

  it("names the image by fingerprint when told so", () => {
    expect(instanceCreateBody(instance({ image: "a1b2c3d4e5f6a7b8" }), { fingerprint: "a1b2c3d4e5f6a7b8" }).source).toEqual({ type: "image", fingerprint: "a1b2c3d4e5f6a7b8" });
  });

  it("on update drops keys drydock no longer wants and keeps LXD's own", () => {
    const cur = { "volatile.eth0.hwaddr": "00:16", "limits.memory": "1GiB", "limits.cpu": "2", "user.x": "keep" };
    expect(mergedConfig(cur, { "limits.memory": "1GiB", "limits.cpu": "2" }, { "limits.memory": "2GiB" }))
      .toEqual({ "volatile.eth0.hwaddr": "00:16", "limits.memory": "2GiB", "user.x": "keep" });
  });

  it("configures a bridge with the explicit subnet, no NAT and no IPv6 by default", () => {
    const n = lxd.NetworkArgsSchema.parse({ remote, name: "br0", ipv4: "10.202.0.1/24" });
    expect(networkConfig(n)).toEqual({ "ipv4.address": "10.202.0.1/24", "ipv4.nat": "false", "ipv4.dhcp": "true", "ipv6.address": "none" });
  });

  it("finds the global IPv4 address of eth0", () => {
    const state = { network: { eth0: { addresses: [
      { family: "inet6", address: "fe80::1", scope: "link" },
      { family: "inet", address: "10.201.0.7", scope: "global" },
    ] } } };
    expect(firstIpv4(state)).toBe("10.201.0.7");
    expect(firstIpv4({ network: null })).toBeUndefined();
  });
});

describe("LXD input checks", () => {
  const problems = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown) =>
    (schema.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

  it("names the field and the problem for a bad CIDR", () => {
    expect(gatewayCidrProblem("10.201.0.1/24")).toBeUndefined();
    expect(gatewayCidrProblem("10.201.0.0/24")).toMatch(/network address/);
    expect(gatewayCidrProblem("10.201.0.255/24")).toMatch(/broadcast/);
    expect(gatewayCidrProblem("10.201.0.1")).toMatch(/prefix length/);
    expect(gatewayCidrProblem("10.301.0.1/24")).toMatch(/not an IPv4 address/);
    expect(gatewayCidrProblem("10.1.0.1/33")).toMatch(/8-30/);
    expect(problems(lxd.NetworkArgsSchema, { remote, name: "br0", ipv4: "10.0.0.0/8" })).toEqual([
      "ipv4: ipv4 10.0.0.0 is the network address of /8; give the gateway's own address (such as the .1)",
    ]);
  });

  it("refuses memory in decimal units, a bad name, and an unknown type", () => {
    const p = problems(lxd.InstanceArgsSchema, { remote, name: "1bad", image: "x", type: "vm", limits: { memory: "2GB" } });
    expect(p).toContain('limits.memory: must be a size in binary units such as "512MiB" or "2GiB"');
    expect(p.some((x) => x.startsWith("name: must be 1-63"))).toBe(true);
    expect(p.some((x) => x.startsWith("type:"))).toBe(true);
  });

  it("refuses a bridge name longer than an interface name", () => {
    expect(problems(lxd.NetworkArgsSchema, { remote, name: "a-very-long-bridge", ipv4: "10.9.0.1/24" }))
      .toEqual(["name: a bridge name is an interface name: at most 15 characters"]);
  });
});
