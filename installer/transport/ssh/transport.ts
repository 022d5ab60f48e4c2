/** The Transport over SSH: pooled channels, sudo on stdin, verified uploads. */
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { describeConnection, type Connection } from "../../../sdk/ssh/connection.js";
import { sha256Hex } from "../../util/hash.js";
import {
  TransportError, shellQuote,
  type ExecOptions, type ExecResult, type Transport, type UploadOptions, type UploadResult,
} from "../types.js";
import { isRetryable } from "./connect.js";
import { runOnChannel, type ChannelRun } from "./channel.js";
import type { HostPool, Lease } from "./pool.js";
import { buildInvocation, type SudoMode } from "./script.js";
import { checkedUpload, installScript, statScript, type InstallPlan } from "./install.js";

const DEFAULT_TIMEOUT = 600_000;
/** Up to this size a file travels inside its install script: one round trip instead of three. */
const INLINE_MAX = 48 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SshTransport implements Transport {
  readonly name: string;
  private readonly secrets: string[];

  constructor(readonly connection: Connection, private readonly pool: HostPool, private readonly log?: (m: string) => void) {
    this.name = describeConnection(connection);
    const c = connection;
    const sudoPw = typeof c.sudo === "object" ? c.sudo.password : undefined;
    this.secrets = [c.password, c.passphrase, sudoPw].filter((s): s is string => !!s && s.length >= 3);
  }

  /** The fingerprint the host presented (pinned by trust-on-first-use). */
  async hostKey(): Promise<string> {
    const l = await this.pool.lease(this.log);
    l.release();
    return l.hostKey;
  }

  private mask(text: string, extra: readonly string[] = []): string {
    let t = text;
    for (const s of [...this.secrets, ...extra]) if (s.length >= 3) t = t.split(s).join("[secret]");
    return t;
  }

  /** Runs on a leased channel; a channel that cannot open, or a connection lost before the command ran, is retried. */
  private async channel(command: string, stdin: string | Buffer, o: ExecOptions & { display: string; retrySafe?: boolean }): Promise<ChannelRun> {
    const deadline = Date.now() + (this.connection.connectTimeout ?? 30) * 1000;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const lease = await this.pool.lease(this.log);
      try {
        return await runOnChannel(lease.client, this.name, command, {
          stdin, timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT, signal: o.signal, lost: lease.lost, display: o.display,
          onStdout: o.onStdout, onStderr: o.onStderr,
        }, () => lease.release());
      } catch (e) {
        const opening = e instanceof TransportError && e.message.includes("cannot open a channel");
        if (opening && /Not connected|No response/i.test((e as Error).message)) lease.broken();
        // sshd refused a session (its MaxSessions): use fewer channels on that connection.
        else if (opening) lease.saturated();
        if (!(opening || (o.retrySafe && isRetryable(e))) || Date.now() + delay > deadline) throw e;
        await sleep(delay);
      }
    }
  }

  private async sudo(): Promise<SudoMode> {
    this.pool.sudoMode ??= (async () => {
      // The very command later runs use: a rule that lets `true` through but not `sh` must not fool the probe.
      const r = await this.channel("sudo -n -- sh -s", "exit 0\n", { display: "sudo -n -- sh -s", timeoutMs: 30_000, retrySafe: true });
      if (r.code === 0) return "nopasswd";
      if (typeof this.connection.sudo === "object") return "password";
      throw new TransportError(this.name, `sudo needs a password here; give the host sudo: { password } (sudo said: ${r.stderr.toString().trim()})`);
    })();
    this.pool.sudoMode.catch(() => { this.pool.sudoMode = undefined; });
    return this.pool.sudoMode;
  }

  /** The script as sent (through sudo if asked); the host stops it a moment after this side gives up on it at `timeoutMs`. */
  private async invocation(script: string, timeoutMs: number, sudo: boolean | undefined, env?: Readonly<Record<string, string>>) {
    const mode: SudoMode = sudo ? await this.sudo() : "none";
    const pw = typeof this.connection.sudo === "object" ? this.connection.sudo.password : undefined;
    return buildInvocation(this.name, script, env, mode, pw, timeoutMs / 1000 + 1);
  }

  async exec(command: string, o: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT;
    const inv = await this.invocation(command, timeoutMs, o.sudo, o.env);
    const secrets = o.secrets ?? [];
    const display = this.mask(o.display ?? command, secrets);
    try {
      const r = await this.channel(inv.command, inv.stdin, { ...o, timeoutMs, display });
      return { code: r.code, stdout: r.stdout.toString(), stderr: this.mask(r.stderr.toString(), secrets) };
    } catch (e) {
      if (e instanceof TransportError) throw new TransportError(this.name, this.mask(e.message.replace(`${this.name}: `, ""), secrets), e.detail, { cause: e.cause });
      throw e;
    }
  }

  /** A forwarded stream on a leased channel slot, freed when the stream closes; a failure frees it at once. */
  private async forwarded(open: (client: Lease["client"], cb: (err: Error | undefined, ch: Duplex) => void) => void): Promise<Duplex> {
    const lease = await this.pool.lease(this.log);
    try {
      const stream = await new Promise<Duplex>((resolve, reject) => open(lease.client, (err, ch) => (err ? reject(err) : resolve(ch))));
      stream.once("close", () => lease.release());
      return stream;
    } catch (e) {
      if (/Not connected/i.test((e as Error).message)) lease.broken();
      lease.release();
      throw e;
    }
  }

  /** A stream to a unix socket on the host (stream-local forwarding); its channel slot is freed when it closes. */
  async openUnixSocket(socketPath: string): Promise<Duplex> {
    const deadline = Date.now() + (this.connection.connectTimeout ?? 30) * 1000;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.forwarded((c, cb) => c.openssh_forwardOutStreamLocal(socketPath, cb));
      } catch (e) {
        const msg = (e as Error).message;
        if (!/open failed|Channel open failure|Not connected/i.test(msg) || Date.now() + delay > deadline) {
          throw new TransportError(this.name, `cannot open the unix socket ${socketPath}: ${msg} (is the daemon running, and may ${this.connection.user} use the socket?)`);
        }
        await sleep(delay);
      }
    }
  }

  /** A TCP stream from this host to host:port (an SSH direct-tcpip channel), for a port not routable from here. */
  async openTcp(host: string, port: number): Promise<Duplex> {
    try {
      return await this.forwarded((c, cb) => c.forwardOut("127.0.0.1", 0, host, port, cb));
    } catch (e) {
      throw new TransportError(this.name, `cannot reach ${host}:${port} from ${this.name}: ${(e as Error).message}`);
    }
  }

  async readFile(path: string, o: { sudo?: boolean } = {}): Promise<Buffer | undefined> {
    const p = shellQuote(path);
    const timeoutMs = 300_000;
    const inv = await this.invocation(`[ -e ${p} ] || exit 44\ncat -- ${p}`, timeoutMs, o.sudo);
    const r = await this.channel(inv.command, inv.stdin, { display: `read ${path}`, retrySafe: true, timeoutMs });
    if (r.code === 44) return undefined;
    if (r.code !== 0) throw new TransportError(this.name, `cannot read ${path} (exit ${r.code}): ${r.stderr.toString().trim()}`);
    return r.stdout;
  }

  /**
   * Streams the bytes to a private temp file, then one script checks the
   * sha256, sets mode and owner on a sibling of the target and renames it into
   * place: the target is either the old file or the whole new one. A transfer
   * cut off midway is retried until the connection deadline.
   */
  async upload(content: Buffer | string, path: string, o: UploadOptions = {}): Promise<UploadResult> {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    const sha256 = sha256Hex(bytes);
    const mode = checkedUpload(this.name, path, o.mode);

    const probe = o.probed ? undefined : await this.exec(statScript(path), { sudo: o.sudo, timeoutMs: 60_000, signal: o.signal });
    if (probe?.code === 0) {
      const [sum, st] = probe.stdout.trim().split("\n");
      const [m, ug] = (st ?? "").split(" ");
      const ownerOk = !o.owner || ug === (o.owner.includes(":") ? o.owner : `${o.owner}:${ug?.split(":")[1]}`);
      if (sum === sha256 && m?.padStart(4, "0") === mode && ownerOk) return { changed: false, sha256 };
    }

    // However long a transfer ran, a cut-off one is retried: up to 5 attempts.
    for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 2000)) {
      try {
        await this.transferAndInstall(bytes, path, sha256, mode, o);
        return { changed: true, sha256 };
      } catch (e) {
        if (!isRetryable(e) || attempt >= 5) throw e;
        this.log?.(`upload of ${path} to ${this.name} interrupted (${(e as Error).message}); retrying`);
        await sleep(delay);
      }
    }
  }

  private async transferAndInstall(bytes: Buffer, path: string, sha256: string, mode: string, o: UploadOptions): Promise<void> {
    const install = { path, nonce: randomBytes(4).toString("hex"), sha256, mode, ...(o.owner ? { owner: o.owner } : {}) };
    if (bytes.length <= INLINE_MAX) return this.install({ ...install, inline: bytes.toString("base64") }, o);
    const tmp = `/tmp/.drydock-upload-${randomBytes(8).toString("hex")}`;
    let sent: ChannelRun;
    try {
      const wire = o.gzip ? await gzipped(bytes) : bytes;
      sent = await this.channel(`umask 077 && ${o.gzip ? "gzip -dc" : "cat"} > ${tmp}`, wire, {
        display: `upload ${path} (${bytes.length} bytes${o.gzip ? `, ${wire.length} gzipped` : ""})`, timeoutMs: 600_000, signal: o.signal,
      });
    } catch (e) {
      // A partial temp file is removed if the host answers within a moment; /tmp is often small.
      await Promise.race([this.exec(`rm -f ${tmp}`, { timeoutMs: 5_000 }).catch(() => undefined), sleep(3_000)]);
      throw e;
    }
    if (sent.code !== 0) throw new TransportError(this.name, `upload ${path}: writing a temp file failed: ${sent.stderr.toString().trim()}`);
    await this.install({ ...install, tmp }, o);
  }

  private async install(plan: InstallPlan, o: UploadOptions): Promise<void> {
    // The script may carry the content itself (a private key, say): errors name the upload, never the script.
    const display = `install ${plan.path}${plan.inline === undefined ? "" : " (content inline)"}`;
    const r = await this.exec(installScript(plan), { sudo: o.sudo, timeoutMs: 300_000, signal: o.signal, display });
    if (r.code !== 0) {
      throw new TransportError(this.name, `upload ${plan.path} failed (exit ${r.code}): ${r.stderr.trim()}`, { code: r.code, stderr: r.stderr });
    }
  }
}

/** Each buffer is compressed once, however many hosts it goes to (fastest level: the wire is the bottleneck, not the ratio). */
const compressed = new WeakMap<Buffer, Promise<Buffer>>();
function gzipped(b: Buffer): Promise<Buffer> {
  let p = compressed.get(b);
  if (!p) {
    p = promisify(gzip)(b, { level: 1 });
    compressed.set(b, p);
  }
  return p;
}
