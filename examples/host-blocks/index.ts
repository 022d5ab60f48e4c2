/**
 * The host building blocks on one machine: a set of files drydock owns
 * (a page, and settings rendered from a template), a systemd service that
 * restarts only when a file it reads changes, and a health gate that waits
 * for its port after each (re)start. Set `blocks` to false to take them off
 * the machine again, exactly what drydock put there and nothing else.
 */
import { Config, host, interpolate, lxd, ssh } from "drydock";

const config = new Config();
const prefix = config.get("prefix") ?? "blocks";
const port = config.getNumber("port") ?? 8080;

const server = new ssh.Host("lxd-server", {
  address: config.require("sshHost"),
  port: config.getNumber("sshPort") ?? 22,
  user: config.require("sshUser"),
  privateKeyPath: config.require("sshKeyPath"),
  hostKey: config.require("sshHostKey"),
});
const remote = new lxd.Remote("lab", { host: server });
const bridge = new lxd.Network("bridge", { remote, name: `${prefix}-br0`, ipv4: config.get("subnet") ?? "10.218.0.1/24" });
const web = new lxd.Instance("web", {
  remote, name: `${prefix}-web`, image: config.get("image") ?? "drydock-debian-12",
  networks: [bridge.name], limits: { cpu: 1, memory: "256MiB" },
  authorizedKeys: [config.require("authorizedKey")],
});

export const address = web.address;

function blocks() {
  const site = new host.Files("site", {
    connection: web,
    files: [
      // Read on every request: a change needs no restart.
      { path: "/srv/hello/index.html", content: `<h1>${config.get("greeting") ?? "hello"}</h1>\n` },
      // Read at start: a change restarts the service.
      { path: "/etc/hello/hello.env", template: { name: "hello/hello.env", values: { port } } },
    ],
  });
  const service = new host.Service("hello", {
    connection: web,
    name: "hello",
    unit: { name: "hello/hello.service" },
    restartOn: [site.written.apply((w) => w["/etc/hello/hello.env"] ?? "")],
  });
  const up = new host.HealthGate("hello-up", {
    description: interpolate`hello answering on ${web.address}:${port}`,
    check: { kind: "tcp", host: web.address, port },
    timeout: 30,
    journal: { connection: web, unit: "hello" },
    triggers: [service.invocationId],
  });
  return { url: interpolate`http://${web.address}:${port}/`, invocationId: service.invocationId, ready: up.passedAt };
}

const b = config.getBoolean("blocks") ?? true ? blocks() : undefined;
export const url = b?.url;
export const invocationId = b?.invocationId;
export const ready = b?.ready;
