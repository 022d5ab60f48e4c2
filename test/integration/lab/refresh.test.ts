/**
 * `refresh` never erases what it cannot see, through the real CLI on the lab:
 * the program reaches the lab's sshd (and LXD behind it) through a TCP relay
 * the test owns, so closing the relay makes the host unreachable. A folder the
 * login user may not enter makes a file unreadable without making it gone.
 */
import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { closeTransports, sshTransport } from "../../../installer/transport/index.js";
import { describeLab, labConnection, lxcNames, sweep } from "./env.js";

const PREFIX = "dd-refresh";

/** A loopback TCP relay to the lab's sshd that can be closed and opened again on the same port. */
class Relay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly host: string, private readonly target: number) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const up = net.connect(this.target, this.host);
      for (const s of [client, up]) {
        this.sockets.add(s);
        s.on("error", () => s.destroy());
        s.on("close", () => this.sockets.delete(s));
      }
      client.pipe(up).pipe(client);
    });
    await new Promise<void>((res, rej) => server.once("error", rej).listen(this.port, "127.0.0.1", res));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every relayed connection: the host is now unreachable. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
    this.server = undefined;
  }
}

describeLab("refresh never erases what it cannot see", (lab) => {
  const p = new TempProject("refresh");
  const relay = new Relay(lab.host, lab.port);
  const dir = `/tmp/${PREFIX}-${process.pid}`;
  const profile = `${PREFIX}-${process.pid}`;
  const lab$ = () => sshTransport(labConnection(lab));
  const types = () => p.state("dev", "refresh").resources.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:Stack").sort();
  const ALL = ["drydock:lxd:Profile", "drydock:lxd:Remote", "drydock:ssh:File", "drydock:ssh:Host"];

  beforeAll(async () => {
    await sweep(PREFIX);
    await relay.open();
    await p.ok("stack", "init", "dev");
    p.program(`import { lxd, ssh } from "drydock";
const host = new ssh.Host("lab", { address: "127.0.0.1", port: ${relay.port}, user: ${JSON.stringify(lab.user)},
  privateKeyPath: ${JSON.stringify(lab.key)}, hostKey: ${JSON.stringify(lab.hostKey)}, connectTimeout: 3 });
const remote = new lxd.Remote("lab", { host });
new lxd.Profile("p", { remote, name: ${JSON.stringify(profile)} });
new ssh.File("conf", { connection: host, path: ${JSON.stringify(`${dir}/etc/app.conf`)}, content: "port = 8080\\n" });
`);
    await p.ok("up", "--yes");
    expect(types()).toEqual(ALL);
  }, 120_000);

  afterAll(async () => {
    await relay.close();
    await relay.open().catch(() => undefined);
    await lab$().exec(`chmod -R u+rwx ${dir} 2>/dev/null; rm -rf ${dir}`).catch(() => undefined);
    await p.run("destroy", "--yes");
    await relay.close();
    await sweep(PREFIX);
    closeTransports();
    p.cleanup();
  }, 120_000);

  it("a file in a folder the login user may not enter is an error naming the host, not gone", async () => {
    await lab$().exec(`chmod 0 ${dir}/etc`);
    try {
      const r = await p.run("refresh", "--yes");
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`ssh:File::conf: refresh failed: ${lab.user}@127\\.0\\.0\\.1:${relay.port}: cannot read ${dir}/etc/app\\.conf \\(exit 45\\): .*Permission denied; it stays in state as it was`));
      expect(r.stdout).not.toMatch(/gone/);
      expect(types()).toEqual(ALL);
    } finally {
      await lab$().exec(`chmod 0755 ${dir}/etc`);
    }
    await p.ok("refresh", "--yes");
    expect(types()).toEqual(ALL);
  }, 120_000);

  it("an unreachable host fails the refresh naming the host, and everything on it stays in state", async () => {
    await relay.close();
    const before = p.read(".drydock/stacks/refresh/dev.json");
    const r = await p.run("refresh", "--yes");
    expect(r.exitCode).toBe(1);
    for (const name of ["ssh:Host::lab", "ssh:File::conf", "lxd:Remote::lab", "lxd:Profile::p"]) {
      expect(r.stderr).toMatch(new RegExp(`${name}: refresh failed: ${lab.user}@127\\.0\\.0\\.1:${relay.port}: .*ECONNREFUSED.*; it stays in state as it was`));
    }
    expect(types()).toEqual(ALL);
    expect(JSON.parse(p.read(".drydock/stacks/refresh/dev.json")).resources).toEqual(JSON.parse(before).resources);
    // The profile is really still there: nothing was deleted either.
    expect(await lxcNames("profile list", profile)).toEqual([profile]);
  }, 120_000);
});
