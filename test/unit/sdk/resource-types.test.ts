/**
 * The types programs write against (checked by `npm run typecheck`; at run time
 * these only construct resources against a fake runtime): references by
 * resource, login without its defaulted user, and typed outputs.
 */
import { afterEach, describe, expectTypeOf, it } from "vitest";
import { Config, local, lxd, pki, ssh, type Output } from "../../../sdk/index.js";
import { setRuntime } from "../../../sdk/internal.js";
import { installFakeRuntime } from "./fake-runtime.js";

const remote = {
  connection: { host: "127.0.0.1", port: 2222, user: "lab", privateKeyPath: "/k", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] },
  socket: "/var/lib/lxd/unix.socket",
};

function lab() {
  const pool = new lxd.StoragePool("pool", { remote, driver: "dir" });
  const profile = new lxd.Profile("profile", { remote });
  const bridge = new lxd.Network("br", { remote, ipv4: "10.210.0.1/24" });
  return { pool, profile, bridge };
}

describe("argument types", () => {
  afterEach(() => setRuntime(undefined));

  it("lxd.Instance takes pools, profiles and bridges as resources or names", () => {
    installFakeRuntime();
    const { pool, profile, bridge } = lab();
    expectTypeOf({ remote, image: "x", networks: [bridge, "lxdbr0"], profiles: [profile, "default"], rootDisk: { pool } }).toExtend<lxd.InstanceArgs>();
    expectTypeOf({ remote, image: "x", networks: [bridge.name], rootDisk: { pool: pool.name, size: "4GiB" } }).toExtend<lxd.InstanceArgs>();
    expectTypeOf({ remote, image: "x", networks: [profile] }).not.toExtend<lxd.InstanceArgs>();
    expectTypeOf({ remote, image: "x", profiles: [bridge] }).not.toExtend<lxd.InstanceArgs>();
    expectTypeOf({ remote, image: "x", rootDisk: { pool: bridge } }).not.toExtend<lxd.InstanceArgs>();
  });

  it("login needs no user (it defaults to root), and its key may be a secret Output", () => {
    installFakeRuntime({ config: { "proj:key": { value: "k", secret: true } } });
    new lxd.Instance("web", { remote, image: "x", login: { privateKeyPath: "/k" } });
    new lxd.Instance("db", { remote, image: "x", login: { privateKey: new Config().requireSecret("key"), agent: true } });
    // @ts-expect-error a misspelt login field is an error
    const misspelt: lxd.InstanceArgs = { remote, image: "x", login: { privateKeyPath: "/k", users: "root" } };
    expectTypeOf(misspelt).toEqualTypeOf<lxd.InstanceArgs>();
  });

  it("a defaulted name is optional; a field the schema lacks is an error", () => {
    expectTypeOf({ remote, ipv4: "10.0.0.1/24" }).toExtend<lxd.NetworkArgs>();
    // @ts-expect-error the schema has no "nats"
    const bridge: lxd.NetworkArgs = { remote, ipv4: "10.0.0.1/24", nats: true };
    expectTypeOf<lxd.NetworkArgs["nat"]>().toEqualTypeOf<boolean | Output<boolean> | Promise<boolean> | undefined>();
    // @ts-expect-error the schema has no "mod"
    const file: ssh.FileArgs = { connection: remote.connection, path: "/a", content: "x", mod: "0600" };
    expectTypeOf(bridge).toEqualTypeOf<lxd.NetworkArgs>();
    expectTypeOf(file).toEqualTypeOf<ssh.FileArgs>();
  });

  it("takes resources where their schemas hold connections and PEMs", () => {
    installFakeRuntime();
    const host = new ssh.Host("h", { address: "a", user: "u", agent: true, trustOnFirstUse: true });
    const vm = new lxd.Instance("vm", { remote, image: "x" });
    const ca = new pki.CertificateAuthority("ca", { commonName: "ca" });
    const cert = new pki.Certificate("c", { ca, commonName: "admin", usages: ["client"] });
    expectTypeOf({ connection: vm, path: "/a", content: cert.keyPem }).toExtend<ssh.FileArgs>();
    expectTypeOf({ connection: host, create: "true" }).toExtend<ssh.CommandArgs>();
    expectTypeOf({ host, socket: "/run/lxd.socket" }).toExtend<lxd.RemoteArgs>();
    expectTypeOf({ server: "https://10.0.0.10:6443", ca, certificate: cert }).toExtend<pki.KubeconfigArgs>();
    expectTypeOf({ address: "b", user: "u", agent: true, jump: host, sudo: { password: cert.keyPem } }).toExtend<ssh.HostArgs>();
  });
});

describe("output types", () => {
  it("every input is an output with its parsed (defaulted) type; provider outputs are typed", () => {
    expectTypeOf<lxd.Network["nat"]>().toEqualTypeOf<Output<boolean>>();
    expectTypeOf<lxd.Instance["profiles"]>().toEqualTypeOf<Output<string[]>>();
    expectTypeOf<lxd.Instance["rootDisk"]>().toEqualTypeOf<Output<{ pool: string; size?: string | undefined } | undefined>>();
    expectTypeOf<lxd.Instance["login"]["apply"]>().parameter(0).parameter(0).toHaveProperty("user").toEqualTypeOf<string>();
    expectTypeOf<lxd.Instance["address"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<lxd.Remote["socket"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<lxd.StoragePool["driver"]>().toEqualTypeOf<Output<"dir" | "btrfs" | "lvm" | "zfs" | "ceph" | "cephfs" | "cephobject">>();
    expectTypeOf<ssh.Host["hostKey"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<ssh.Host["port"]>().toEqualTypeOf<Output<number>>();
    expectTypeOf<ssh.Command["timeout"]>().toEqualTypeOf<Output<number>>();
    expectTypeOf<ssh.File["sha256"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<local.File["mode"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<local.Command["environment"]>().toEqualTypeOf<Output<Record<string, string>>>();
    expectTypeOf<pki.Certificate["dnsNames"]>().toEqualTypeOf<Output<string[]>>();
    expectTypeOf<pki.CertificateAuthority["notAfter"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<pki.Kubeconfig["clusterName"]>().toEqualTypeOf<Output<string>>();
    expectTypeOf<pki.KeyPair["algorithm"]>().toEqualTypeOf<Output<"ecdsa-p256" | "rsa-2048" | "rsa-3072">>();
  });
});
