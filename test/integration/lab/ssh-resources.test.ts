/**
 * ssh.Host, ssh.File and ssh.Command through the real CLI against the lab
 * sshd: a key pinned on first use, facts, drift by sha256, and a sudo password
 * that stays out of state, logs and events.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BIN, TempProject } from "../cli.js";
import { closeTransports, sshTransport } from "../../../installer/transport/index.js";
import { describeLab, labConnection } from "./env.js";

describeLab("ssh resources on the lab", (lab) => {
  const p = new TempProject("sshres");
  const dir = `/tmp/dd-sshres-${process.pid}`;

  beforeAll(async () => {
    await p.ok("stack", "init", "dev");
    await p.ok("config", "set", "file", `${dir}/app.conf`);
    const set = await execa(process.execPath, [BIN, "config", "set", "sudoPassword", "--secret"], { cwd: p.dir, env: p.env, input: lab.pwPassword });
    expect(set.exitCode).toBe(0);
    p.program(`import { Config, ssh } from "drydock";
const config = new Config();
// No hostKey: trusted on first use, then pinned in state.
const host = new ssh.Host("lab", { address: ${JSON.stringify(lab.host)}, port: ${lab.port}, user: ${JSON.stringify(lab.pwUser)},
  privateKeyPath: ${JSON.stringify(lab.key)}, trustOnFirstUse: true, sudo: { password: config.requireSecret("sudoPassword") } });
const file = new ssh.File("conf", { connection: host, path: config.require("file"), content: "port = 8080\\n", mode: "0640" });
const whoami = new ssh.Command("root", { connection: host, create: "id -u", sudo: true, triggers: [file.sha256] });
export const hostKey = host.hostKey;
export const facts = host.facts;
export const uid = whoami.stdout;
`);
  });

  afterAll(async () => {
    await p.run("destroy", "--yes");
    await sshTransport(labConnection(lab)).exec(`rm -rf ${dir}`);
    closeTransports();
    p.cleanup();
  });

  it("pins the host key on first use, gathers facts, runs sudo with the password kept secret", async () => {
    const up = await p.ok("up", "--yes", "--events", "events.ndjson");
    const out = JSON.parse((await p.ok("stack", "output", "--json")).stdout) as { hostKey: string; facts: { arch: string; os: string }; uid: string };
    expect(out.hostKey).toBe(lab.hostKey);
    expect(out.facts.os).toMatch(/Debian GNU\/Linux 12/);
    expect(out.facts.arch).toBe((await execa("uname", ["-m"])).stdout);
    expect(out.uid).toBe("0");
    const state = readFileSync(p.statePath("dev", "sshres"), "utf8");
    expect(state).toContain(lab.hostKey);
    for (const text of [up.stdout, up.stderr, state, p.read("events.ndjson")]) expect(text).not.toContain(lab.pwPassword);
    const t = sshTransport(labConnection(lab));
    expect((await t.exec(`stat -c "%a %U" ${dir}/app.conf; cat ${dir}/app.conf`, { sudo: true })).stdout).toBe(`640 ${lab.pwUser}\nport = 8080\n`);
    await p.ok("preview", "--expect-no-changes");
  });

  it("sees a file edited on the host as drift and writes it back", async () => {
    const t = sshTransport(labConnection(lab));
    await t.exec(`chmod u+w ${dir}/app.conf 2>/dev/null; echo 'port = 9' > ${dir}/app.conf`, { sudo: true });
    const refresh = await p.ok("refresh", "--yes");
    expect(refresh.stdout).toMatch(/conf.*drift: changed outside drydock/);
    expect((await p.ok("preview")).stdout).toMatch(/~ {2}drydock:ssh:File {2}conf {2}update/);
    await p.ok("up", "--yes");
    expect((await t.exec(`cat ${dir}/app.conf`, { sudo: true })).stdout).toBe("port = 8080\n");
  });
});
