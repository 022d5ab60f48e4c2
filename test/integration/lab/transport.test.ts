/**
 * The SSH transport against real sshd: the lab's (password sudo, password
 * login, pinning) and a lab instance's, reached through the lab as jump host
 * (uploads, the session limit, faults, a rebuilt host).
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Connection } from "../../../sdk/ssh/connection.js";
import { closeTransports, sshTransport } from "../../../installer/transport/index.js";
import { describeLab, labConnection, lxc, sweep } from "./env.js";
import { labInstance } from "./instance.js";

const PREFIX = "dd-tr";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describeLab("SSH transport on the lab", (lab) => {
  let node: Connection;
  const name = `${PREFIX}-1`;

  beforeAll(async () => {
    await sweep(PREFIX);
    node = (await labInstance(lab, name)).connection;
  }, 120_000);

  afterAll(async () => {
    closeTransports();
    await sweep(PREFIX);
  }, 60_000);

  it("runs a command through the jump host: exit code, streamed lines, environment", async () => {
    const lines: string[] = [];
    const r = await sshTransport(node).exec('echo one; echo two >&2; printf "%s" "$GREETING"; exit 7', {
      env: { GREETING: "it's $HOME" }, onStdout: (l) => lines.push(l),
    });
    expect(r).toEqual({ code: 7, stdout: "one\nit's $HOME", stderr: "two\n" });
    expect(lines).toEqual(["one", "it's $HOME"]);
  });

  it("keeps 40 concurrent commands under sshd's 10-session limit by pooling connections", async () => {
    const t = sshTransport(node);
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => t.exec(`sleep 0.3; echo ${i}`)));
    expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });

  it("sudo with a password: sent on stdin, never on any process's command line, never in output", async () => {
    const c: Connection = { ...labConnection(lab), user: lab.pwUser, sudo: { password: lab.pwPassword } };
    const seen: string[] = [];
    let done = false;
    const watch = (async () => {
      while (!done) {
        seen.push(String((await execa("ps", ["-eo", "args"])).stdout));
        await sleep(50);
      }
    })();
    const r = await sshTransport(c).exec("sleep 1.5; id -u", { sudo: true });
    done = true;
    await watch;
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("0");
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.join("\n")).toContain("sudo -S -k -p");
    expect(seen.join("\n")).not.toContain(lab.pwPassword);
    expect(r.stdout + r.stderr).not.toContain(lab.pwPassword);
    // Without the password, sudo fails with a clear message instead of hanging on a prompt.
    const without = sshTransport({ ...labConnection(lab), user: lab.pwUser });
    await expect(without.exec("id -u", { sudo: true })).rejects.toThrow(/sudo needs a password here; give the host sudo: \{ password \}/);
  });

  it("a command that timed out is stopped on the host too, with or without sudo", async () => {
    const tag = String(Date.now() % 100_000).padStart(5, "0");
    const marker = (n: number): string => `/tmp/dd-tr-timeout-${tag}-${n}`;
    const plain = sshTransport(labConnection(lab));
    const sudo = sshTransport({ ...labConnection(lab), user: lab.pwUser, sudo: { password: lab.pwPassword } });
    const started = Date.now();
    try {
      await Promise.all([
        expect(plain.exec(`sleep 9.${tag}1; touch ${marker(1)}`, { timeoutMs: 2_000 })).rejects.toThrow(/timed out after 2 s/),
        expect(sudo.exec(`sleep 9.${tag}2; touch ${marker(2)}`, { timeoutMs: 2_000, sudo: true })).rejects.toThrow(/timed out after 2 s/),
      ]);
      // The host ends each script a second after this side gave up (the lab's sshd runs on this machine).
      await sleep(Math.max(0, 7_000 - (Date.now() - started)));
      expect((await execa("ps", ["-eo", "args"])).stdout).not.toContain(`sleep 9.${tag}`);
      await sleep(Math.max(0, 11_000 - (Date.now() - started)));
      expect([existsSync(marker(1)), existsSync(marker(2))]).toEqual([false, false]);
    } finally {
      for (const n of [1, 2]) rmSync(marker(n), { force: true });
    }
  }, 30_000);

  it("logs in with a password", async () => {
    const c: Connection = { host: lab.host, port: lab.port, user: lab.pwUser, password: lab.pwPassword, hostKeys: [lab.hostKey] };
    expect((await sshTransport(c).exec("whoami")).stdout.trim()).toBe(lab.pwUser);
    const wrong = sshTransport({ ...c, password: "not-the-password" });
    await expect(wrong.exec("true")).rejects.toThrow(/authentication failed for user "drydock-pw"/);
  });

  it("logs in with a passphrase-protected key given as text, and through an ssh-agent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dd-keys-"));
    const agent = spawn("ssh-agent", ["-D", "-a", join(dir, "agent.sock")], { stdio: "ignore" });
    try {
      await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "pass phrase 1", "-f", join(dir, "locked")]);
      await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "agent")]);
      const pubs = ["locked", "agent"].map((k) => readFileSync(join(dir, `${k}.pub`), "utf8").trim());
      await sshTransport(node).exec(`printf '%s\\n' "$K1" "$K2" >> /root/.ssh/authorized_keys`, { env: { K1: pubs[0]!, K2: pubs[1]! } });
      const locked: Connection = { ...node, privateKeyPath: undefined, privateKey: readFileSync(join(dir, "locked"), "utf8"), passphrase: "pass phrase 1" };
      expect((await sshTransport(locked).exec("whoami")).stdout).toBe("root\n");
      await expect(sshTransport({ ...locked, passphrase: "wrong" }).exec("true")).rejects.toThrow(/cannot connect|passphrase|decrypt/i);
      for (let i = 0; i < 50 && !existsSync(join(dir, "agent.sock")); i++) await sleep(50);
      await execa("ssh-add", [join(dir, "agent")], { env: { SSH_AUTH_SOCK: join(dir, "agent.sock") } });
      const viaAgent: Connection = { ...node, privateKeyPath: undefined, agent: join(dir, "agent.sock") };
      expect((await sshTransport(viaAgent).exec("whoami")).stdout).toBe("root\n");
    } finally {
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown host key without trust-on-first-use, and a wrong one with both fingerprints", async () => {
    const unknown = sshTransport({ ...labConnection(lab), hostKeys: [] });
    await expect(unknown.exec("true")).rejects.toThrow(/unknown host key SHA256:\S+ \(ssh-ed25519\): refusing to connect/);
    const other = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const wrong = sshTransport({ ...labConnection(lab), hostKeys: [other] });
    // A key that misses the pin has not "changed": this run saw the lab verify with the very same key.
    await expect(wrong.exec("true")).rejects.toThrow(`host key ${lab.hostKey} (ssh-ed25519) does not match the pinned key ${other}`);
    const tofu = sshTransport({ ...labConnection(lab), hostKeys: [], trustOnFirstUse: true });
    expect(await tofu.hostKey()).toBe(lab.hostKey);
  });

  it("uploads verified by sha256, skips an identical file, and sets mode and owner", async () => {
    const t = sshTransport(node);
    const data = randomBytes(1 << 20);
    const sum = createHash("sha256").update(data).digest("hex");
    expect(await t.upload(data, "/opt/dd/blob.bin", { mode: "0640", owner: "root:root" })).toEqual({ changed: true, sha256: sum });
    expect(await t.upload(data, "/opt/dd/blob.bin", { mode: "0640", owner: "root:root" })).toEqual({ changed: false, sha256: sum });
    const r = await t.exec("sha256sum /opt/dd/blob.bin | cut -d' ' -f1; stat -c '%a %U' /opt/dd/blob.bin; ls -a /opt/dd");
    expect(r.stdout.split("\n").slice(0, 2)).toEqual([sum, "640 root"]);
    expect(r.stdout).not.toContain("drydock");
    expect((await t.upload(data, "/opt/dd/blob.bin", { mode: "0600" })).changed).toBe(true);
    expect((await t.readFile("/opt/dd/blob.bin"))!.equals(data)).toBe(true);
    expect(await t.readFile("/opt/dd/nothing-here")).toBeUndefined();
  });

  it("uploads to a path with spaces, quotes, $, ; and a leading -, as the user and through sudo, running nothing else", async () => {
    const c: Connection = { ...labConnection(lab), user: lab.pwUser, sudo: { password: lab.pwPassword } };
    const t = sshTransport(c);
    const home = (await t.exec("printf %s \"$HOME\"")).stdout;
    const dir = `${home}/dd-tr-paths-${randomBytes(4).toString("hex")}`;
    const name = `it's a "$HOME" x EXIT;touch PWNED;#y`;
    try {
      for (const [i, sudo] of [[1, false], [2, true]] as const) {
        const path = `${dir}/${i}/${name}/-n`;
        expect((await t.upload(`hello ${i}\n`, path, { mode: "0640", sudo })).changed).toBe(true);
        expect((await t.upload(`hello ${i}\n`, path, { mode: "0640", sudo })).changed).toBe(false);
        const r = await t.exec(`cd ${dir}/${i} && find . -mindepth 1 | sort && cat -- */-n && stat -c %a -- */-n`, { sudo: true });
        expect(r.stdout.split("\n")).toEqual([`./${name}`, `./${name}/-n`, `hello ${i}`, "640", ""]);
      }
      // The commands run in the login's home: a canary would be there (or in the target's directory).
      expect((await t.exec(`find ${home} -name PWNED`, { sudo: true })).stdout).toBe("");
    } finally {
      await t.exec(`rm -rf -- ${dir}`, { sudo: true });
    }
  });

  it("an upload whose sshd is killed midway is retried and verified; no half-written file is ever in place", async () => {
    const log: string[] = [];
    const t0 = Date.now();
    const t = sshTransport(node, (m) => log.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${m}`));
    const data = randomBytes(64 << 20);
    const sum = createHash("sha256").update(data).digest("hex");
    const upload = t.upload(data, "/opt/dd/big.bin");
    // Midway means bytes have arrived: on a loaded machine a fixed delay can land in the login instead.
    for (let i = 0; i < 400; i++) {
      const partial = await lxc("exec", name, "--", "find", "/tmp", "-maxdepth", "1", "-name", ".drydock-upload-*", "-size", "+1k");
      if (partial.trim()) break;
      await sleep(50);
    }
    await lxc("exec", name, "--", "systemctl", "kill", "--signal=KILL", "ssh.service");
    log.push(`${((Date.now() - t0) / 1000).toFixed(1)}s sshd killed`);
    // Should it hang, say where: what the transport reported, and when.
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([upload, new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`the upload has not finished after 110 s; the transport said:\n${log.join("\n")}`)), 110_000);
    })]).finally(() => clearTimeout(timer));
    expect(r).toEqual({ changed: true, sha256: sum });
    // The kill did land mid-transfer: the upload says so, and started again.
    expect(log.some((m) => /upload of \/opt\/dd\/big.bin .* interrupted .*retrying/.test(m))).toBe(true);
    const check = await t.exec("sha256sum /opt/dd/big.bin | cut -d' ' -f1; ls -a /opt/dd");
    expect(check.stdout.split("\n")[0]).toBe(sum);
    expect(check.stdout).not.toContain(".drydock-");
  }, 120_000);

  it("a host that stops answering during a long command gives a clear error within the command's timeout", async () => {
    const t = sshTransport(node);
    await t.exec("true");
    // A connection of its own, established before the host stops answering.
    const other = sshTransport({ ...node, connectTimeout: 10 });
    await other.exec("true");
    const started = Date.now();
    const long = t.exec("sleep 60", { timeoutMs: 4_000 });
    const deadConnection = other.exec("sleep 60").then(
      () => ({ message: "finished", at: Date.now() }),
      (e: Error) => ({ message: e.message, at: Date.now() }),
    );
    await sleep(500);
    await lxc("pause", name);
    try {
      await expect(long).rejects.toThrow(/timed out after 4 s: sleep 60/);
      expect(Date.now() - started).toBeLessThan(8_000);
      // Without a timeout, keepalives notice a connection that went dead mid-command: an error, not a hang.
      const dead = await deadConnection;
      expect(dead.message).toMatch(/connection lost while running: sleep 60/);
      expect(dead.at - started).toBeLessThan(30_000);
    } finally {
      await lxc("start", name);
    }
  }, 90_000);

  it("refuses a host whose keys were regenerated, naming both fingerprints", async () => {
    closeTransports();
    await lxc("exec", name, "--", "sh", "-c", "rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
    const err = await sshTransport(node).exec("true").then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/HOST KEY CHANGED: it was SHA256:\S+ earlier in this run, now SHA256:\S+ \(ssh-ed25519\); pinned SHA256:\S+; refusing to connect/);
  }, 60_000);
});
