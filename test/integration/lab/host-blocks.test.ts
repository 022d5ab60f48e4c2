/**
 * examples/host-blocks on the lab through the real CLI: files, a service and a
 * health gate on a real container with systemd. Changes made by hand are
 * made with lxc, as an operator would.
 */
import { cpSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TempProject } from "../cli.js";
import { describeLab, exampleFile, lxc, sweep } from "./env.js";

const PREFIX = "dd-blocks";
const WEB = `${PREFIX}-web`;
/** Everything drydock may put on the machine for the blocks. */
const OWNED = ["/srv/hello", "/etc/hello", "/etc/systemd/system/hello.service", "/etc/systemd/system/multi-user.target.wants/hello.service", "/var/lib/drydock"];

const listing = () => lxc("exec", WEB, "--", "sh", "-c", `for p in ${OWNED.join(" ")}; do if [ -e "$p" ] || [ -L "$p" ]; then find "$p" | sort; else echo "absent $p"; fi; done`);
const started = async () => (await lxc("exec", WEB, "--", "systemctl", "show", "-p", "ActiveEnterTimestamp", "--value", "hello.service")).trim();
const page = async (url: string) => (await fetch(url)).text();

describeLab("host building blocks (examples/host-blocks) on the lab", (lab) => {
  const p = new TempProject("host-blocks");
  let before = "";

  beforeAll(async () => {
    await sweep(PREFIX);
    cpSync(exampleFile("host-blocks", "index.ts"), `${p.dir}/index.ts`);
    await p.ok("stack", "init", "dev");
    const config: Record<string, string> = {
      prefix: PREFIX, sshHost: lab.host, sshPort: String(lab.port), sshUser: lab.user, sshKeyPath: lab.key,
      sshHostKey: lab.hostKey, authorizedKey: lab.publicKey, image: lab.image, subnet: "10.218.0.1/24", blocks: "false",
    };
    for (const [k, v] of Object.entries(config)) await p.ok("config", "set", k, v);
    await p.ok("up", "--yes");
    before = await listing();
  }, 180_000);

  afterAll(async () => {
    await p.run("destroy", "--yes");
    await sweep(PREFIX);
    p.cleanup();
  }, 120_000);

  const output = async () => JSON.parse((await p.ok("stack", "output", "--json")).stdout) as Record<string, string>;

  it("writes the files, starts the service and waits for its port: the page answers", async () => {
    await p.ok("config", "set", "blocks", "true");
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("+ 3 created");
    const out = await output();
    expect(await page(out.url!)).toBe("<h1>hello</h1>\n");
    expect((await lxc("exec", WEB, "--", "stat", "-c", "%a %U:%G", "/etc/hello/hello.env")).trim()).toBe("644 root:root");
  }, 120_000);

  it("a run that changes nothing restarts nothing (same start timestamp) and says so", async () => {
    const t0 = await started();
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("No changes");
    expect(await started()).toBe(t0);
  }, 60_000);

  it("refresh sees a page edited on the host; up puts it back without restarting the service", async () => {
    const t0 = await started();
    await lxc("exec", WEB, "--", "sh", "-c", "echo defaced > /srv/hello/index.html");
    await p.ok("refresh", "--yes");
    const preview = await p.ok("preview");
    expect(preview.stdout).toMatch(/site\s+update[\s\S]*repair \/srv\/hello\/index\.html/);
    await p.ok("up", "--yes");
    expect(await page((await output()).url!)).toBe("<h1>hello</h1>\n");
    expect(await started()).toBe(t0);
  }, 90_000);

  it("restarts only for a file the service reads: a new greeting does not, a new port does (and the gate waits for it)", async () => {
    const t0 = await started();
    await p.ok("config", "set", "greeting", "ahoy");
    await p.ok("up", "--yes");
    expect(await page((await output()).url!)).toBe("<h1>ahoy</h1>\n");
    expect(await started()).toBe(t0);
    await p.ok("config", "set", "port", "8081");
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toMatch(/hello\s+updated/);
    expect(up.stdout).toMatch(/hello-up\s+updated/);
    expect(await started()).not.toBe(t0);
    expect(await page((await output()).url!)).toBe("<h1>ahoy</h1>\n");
  }, 90_000);

  it("refuses to write over a file it does not own, naming it, and writes nothing", async () => {
    await p.ok("config", "set", "blocks", "false");
    await p.ok("up", "--yes");
    await lxc("exec", WEB, "--", "sh", "-c", "mkdir -p /etc/hello && echo 'theirs' > /etc/hello/hello.env");
    await p.ok("config", "set", "blocks", "true");
    const up = await p.run("up", "--yes");
    expect(up.exitCode).not.toBe(0);
    expect(up.stderr).toContain("/etc/hello/hello.env exists and no drydock set owns it");
    expect((await lxc("exec", WEB, "--", "cat", "/etc/hello/hello.env")).trim()).toBe("theirs");
    expect((await lxc("exec", WEB, "--", "sh", "-c", "[ -e /srv/hello ] && echo yes || echo no")).trim()).toBe("no");
    await lxc("exec", WEB, "--", "rm", "-rf", "/etc/hello");
  }, 90_000);

  it("taking the blocks away leaves the machine as it was before them", async () => {
    await p.ok("config", "set", "blocks", "true");
    await p.ok("up", "--yes");
    await p.ok("config", "set", "blocks", "false");
    const up = await p.ok("up", "--yes");
    expect(up.stdout).toContain("- 3 deleted");
    expect(await listing()).toBe(before);
    expect((await lxc("exec", WEB, "--", "systemctl", "show", "-p", "LoadState", "--value", "hello.service")).trim()).toBe("not-found");
  }, 90_000);
});
