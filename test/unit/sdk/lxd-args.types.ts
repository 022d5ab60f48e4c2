/**
 * Must compile (`npm run typecheck`): the argument and output types a program
 * written from the docs uses. Nothing here runs; the lines marked
 * @ts-expect-error must stay type errors.
 */
import { Config, all, lxd, pki, ssh, type Output } from "../../../sdk/index.js";

export function program(): Record<string, Output<unknown>> {
  const config = new Config();
  const server = new ssh.Host("lxd-server", {
    address: config.require("sshHost"), port: 2222, user: "drydock-lab",
    privateKeyPath: config.require("sshKeyPath"), hostKey: config.require("sshHostKey"),
  });
  const remote = new lxd.Remote("lab", { host: server });
  const pool = new lxd.StoragePool("pool", { remote, driver: "dir" });
  const profile = new lxd.Profile("profile", { remote, config: { "security.nesting": "true" } });
  const bridge = new lxd.Network("br", { remote, ipv4: "10.210.0.1/24", nat: true });

  // Resources where names were the only choice: each becomes a dependency.
  const web = new lxd.Instance("web", {
    remote, image: "drydock-debian-12", profiles: ["default", profile], networks: [bridge], rootDisk: { pool, size: "4GiB" },
    authorizedKeys: [config.require("publicKey")],
    // `user` defaults to root.
    login: { privateKeyPath: config.require("sshKeyPath") },
  });
  // Literal names still work (and create no dependency); the login key may be a secret Output.
  const db = new lxd.Instance("db", {
    remote, image: "drydock-debian-12", networks: [bridge.name, "lxdbr0"], rootDisk: { pool: "default" },
    limits: { cpu: 1, memory: "512MiB" },
    login: { user: "root", privateKey: config.requireSecret("sshKey") },
  });
  // @ts-expect-error a profile is not a bridge
  new lxd.Instance("wrong", { remote, image: "x", networks: [profile] });

  const ca = new pki.CertificateAuthority("ca", { commonName: "ergo-ca" });
  const cert = new pki.Certificate("web-tls", { ca, commonName: "web", usages: ["server"], dnsNames: ["web"], ipAddresses: [web.address] });
  // No mode: 0600, because the key is secret.
  const key = new ssh.File("tls-key", { connection: web, path: "/etc/ssl/private/web.key", content: cert.keyPem });

  const nat: Output<boolean> = bridge.nat;
  const dhcp: Output<boolean> = bridge.dhcp;
  const bridgeConfig: Output<Record<string, string>> = bridge.config;
  const mode: Output<string> = key.mode;
  const content: Output<string> = key.content;
  const commonName: Output<string> = cert.commonName;
  return { nat, dhcp, bridgeConfig, mode, content, commonName, addresses: all([web.address, db.address]) };
}
