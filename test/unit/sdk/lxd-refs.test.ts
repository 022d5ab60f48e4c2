import { afterEach, describe, expect, it } from "vitest";
import { lxd } from "../../../sdk/index.js";
import { Output } from "../../../sdk/index.js";
import { setRuntime } from "../../../sdk/internal.js";
import { installFakeRuntime } from "./fake-runtime.js";

const remote = {
  connection: { host: "127.0.0.1", port: 2222, user: "lab", privateKeyPath: "/k", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] },
  socket: "/var/lib/lxd/unix.socket",
};

/** The value of a registered input and the resources it depends on. */
async function refOf(v: unknown): Promise<{ value: unknown; from: unknown[] }> {
  if (!Output.isInstance(v)) return { value: v, from: [] };
  const d = await (v as Output<unknown>).data;
  return { value: d.value, from: [...d.resources] };
}

describe("lxd.Instance references its pool, profiles and bridges by resource", () => {
  afterEach(() => setRuntime(undefined));

  it("a resource becomes its name and a dependency; a literal name stays a name", async () => {
    const rt = installFakeRuntime({ respond: (urn, req) => ({ urn, id: req.name, outputs: { name: req.props.name as string } }) });
    const pool = new lxd.StoragePool("pool", { remote, name: "fast", driver: "dir" });
    const profile = new lxd.Profile("profile", { remote, name: "node" });
    const bridge = new lxd.Network("bridge", { remote, name: "br0", ipv4: "10.210.0.1/24" });
    new lxd.Instance("web", { remote, image: "debian-12", profiles: ["default", profile], networks: [bridge, "lxdbr0"], rootDisk: { pool, size: "4GiB" } });
    const props = rt.registrations.find((r) => r.req.name === "web")!.req.props as Record<string, any>;
    expect(await refOf(props.networks[0])).toEqual({ value: "br0", from: [bridge] });
    expect(props.networks[1]).toBe("lxdbr0");
    expect(props.profiles[0]).toBe("default");
    expect(await refOf(props.profiles[1])).toEqual({ value: "node", from: [profile] });
    expect(await refOf(props.rootDisk.pool)).toEqual({ value: "fast", from: [pool] });
    expect(props.rootDisk.size).toBe("4GiB");
  });

  it("leaves fields the program did not give out, so the schema's defaults apply", () => {
    const rt = installFakeRuntime();
    new lxd.Instance("db", { remote, image: "debian-12" });
    const props = rt.registrations[0]!.req.props;
    expect(Object.keys(props)).not.toContain("networks");
    expect(Object.keys(props)).not.toContain("rootDisk");
    expect(lxd.InstanceArgsSchema.parse({ remote, name: "db", image: "debian-12" }).profiles).toEqual(["default"]);
  });
});

describe("lxd.Instance login and authorizedKeys", () => {
  it("refuses authorizedKeys for a non-root login user, naming the user", () => {
    const r = lxd.InstanceArgsSchema.safeParse({
      remote, name: "db", image: "debian-12", authorizedKeys: ["ssh-ed25519 AAAAC3Nza k"], login: { user: "debian", privateKeyPath: "/k" },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["authorizedKeys", `authorizedKeys go to root's authorized_keys, so they would not let login.user "debian" in: log in as root, or give debian keys in the image and login.privateKey here`],
    ]);
    expect(lxd.InstanceArgsSchema.safeParse({ remote, name: "db", image: "debian-12", authorizedKeys: ["ssh-ed25519 AAAAC3Nza k"], login: { privateKeyPath: "/k" } }).success).toBe(true);
  });
});
