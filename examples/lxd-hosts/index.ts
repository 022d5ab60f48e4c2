/**
 * Three SSH-ready containers on an LXD server that drydock reaches over SSH,
 * on a storage pool, a bridge and a profile of their own. Each instance's
 * host key is read through the LXD API and pinned; drydock then logs in
 * through the LXD server as jump host, because the bridge is not routable
 * from here.
 */
import { Config, all, lxd, ssh } from "drydock";

const config = new Config();
const prefix = config.get("prefix") ?? "ex";
const count = config.getNumber("instances") ?? 3;

const server = new ssh.Host("lxd-server", {
  address: config.require("sshHost"),
  port: config.getNumber("sshPort") ?? 22,
  user: config.require("sshUser"),
  privateKeyPath: config.require("sshKeyPath"),
  hostKey: config.require("sshHostKey"),
});

const remote = new lxd.Remote("lab", { host: server });

const pool = new lxd.StoragePool("pool", {
  remote, name: `${prefix}-pool`, driver: "dir",
  // A directory on fast storage (the lab's tmpfs) when given; LXD's default place otherwise.
  ...(config.get("poolSource") ? { config: { source: config.require("poolSource") } } : {}),
});

const bridge = new lxd.Network("bridge", {
  remote, name: `${prefix}-br0`,
  ipv4: config.get("subnet") ?? "10.210.0.1/24",
});

const profile = new lxd.Profile("profile", {
  remote, name: `${prefix}-node`,
  config: { "security.nesting": "true", "raw.lxc": "lxc.mount.auto = cgroup:mixed:force" },
  devices: { root: { type: "disk", path: "/", pool: pool.name } },
});

const publicKey = config.require("authorizedKey");

const nodes = Array.from({ length: count }, (_, i) =>
  new lxd.Instance(`node-${i + 1}`, {
    remote, name: `${prefix}-node-${i + 1}`,
    image: config.get("image") ?? "drydock-debian-12",
    profiles: [profile],
    networks: [bridge],
    limits: { cpu: 1, memory: config.get("memory") ?? "512MiB" },
    authorizedKeys: [publicKey],
  }),
);

// Proof that each node answers over SSH with its pinned key, through the jump host. SSH answers
// before systemd has finished booting: --wait reports the state once it has.
const hello = nodes.map((n, i) => new ssh.Command(`hello-${i + 1}`, {
  connection: n,
  create: "echo \"$(hostname) $(systemctl is-system-running --wait)\"",
}));

export const serverName = remote.serverName;
export const addresses = all(nodes.map((n) => n.address));
export const hostKeys = all(nodes.map((n) => n.hostKey));
export const greetings = all(hello.map((h) => h.stdout));
