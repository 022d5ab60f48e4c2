/**
 * Hosts for read tests: one that answers (commands run by a local shell, LXD
 * requests by a small API on a private unix socket), or one that fails the
 * way real hosts fail: connection refused, sudo refused, a timeout, or a
 * command that exits non-zero for a reason unrelated to what was asked.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { describeConnection, type Connection } from "../../../sdk/ssh/connection.js";
import type { LxdConnector } from "../../../installer/providers/lxd/deps.js";
import { TransportError, type ExecOptions, type ExecResult, type Transport, type UploadResult } from "../../../installer/transport/types.js";

export const FAILURES = ["refused", "sudo", "timeout", "exit"] as const;
export type Failure = (typeof FAILURES)[number];
export type Behaviour = Failure | "answers";

export const HOST_KEY = "SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U";

export interface LxdAnswer {
  readonly status: number;
  /** JSON (an object) or raw text (a string). */
  readonly body: unknown;
}

/** How an answering host behaves. */
export interface World {
  /** A command's own answer; undefined lets the local shell run it. */
  readonly exec?: (host: string, command: string) => ExecResult | undefined;
  /** Rewrites a command before the local shell runs it (fixed paths into a temp folder). */
  readonly shell?: (host: string, command: string) => string;
  /** The LXD API. @default 404 "not found" for everything */
  readonly lxd?: (method: string, path: string) => LxdAnswer;
  /** The login user's uid for commands run without sudo (the local shell's own when unset). */
  readonly uid?: number;
}

/** LXD's answer for an object that does not exist. */
export const LXD_NOT_FOUND: LxdAnswer = { status: 404, body: { type: "error", error: "Not Found", error_code: 404 } };

export const lxdSync = (metadata: unknown): LxdAnswer => ({ status: 200, body: { type: "sync", status: "Success", status_code: 200, metadata } });

/** A connector whose hosts behave as `how` (per host, when a function), and a way to close what it opened. */
export function fakeHosts(how: Behaviour | ((host: string) => Behaviour), world: World = {}): { connect: LxdConnector; close(): void } {
  let server: { path: string; dir: string; srv: http.Server; ready: Promise<void> } | undefined;
  // One behaviour for the API server: the LXD socket is only ever reached while the host answers.
  const api = (): string => {
    if (!server) {
      const dir = mkdtempSync(join(tmpdir(), "dd-fake-lxd-"));
      const path = join(dir, "lxd.socket");
      const srv = http.createServer((req, res) => {
        const a = (world.lxd ?? (() => LXD_NOT_FOUND))(req.method ?? "GET", req.url ?? "/");
        const text = typeof a.body === "string" ? a.body : JSON.stringify(a.body);
        res.writeHead(a.status, { "content-type": typeof a.body === "string" ? "text/plain" : "application/json" }).end(text);
      });
      server = { path, dir, srv, ready: new Promise((res) => srv.listen(path, res)) };
    }
    return server.path;
  };
  const connect = (c: Connection): Transport & { openUnixSocket(p: string): Promise<Duplex> } => {
    const name = describeConnection(c);
    return new FakeHost(name, typeof how === "function" ? how(name) : how, world, async () => {
      const path = api();
      await server!.ready;
      return path;
    });
  };
  return {
    connect,
    close: () => {
      if (!server) return;
      server.srv.close();
      rmSync(server.dir, { recursive: true, force: true });
    },
  };
}

class FakeHost implements Transport {
  constructor(
    readonly name: string,
    private readonly how: Behaviour,
    private readonly world: World,
    private readonly apiSocket: () => Promise<string>,
  ) {}

  /** Connection refused or timed out: the host never answers. */
  private unreachable(what: string): void {
    if (this.how === "refused") throw new TransportError(this.name, "cannot connect: connect ECONNREFUSED 10.9.9.9:22", { retryable: true });
    if (this.how === "timeout") throw new TransportError(this.name, `${what} timed out after 30 s`);
  }

  async hostKey(): Promise<string> {
    this.unreachable("the SSH handshake");
    return HOST_KEY;
  }

  async exec(command: string, o: ExecOptions = {}): Promise<ExecResult> {
    this.unreachable(`"${command.split("\n")[0]}"`);
    if (this.how === "sudo" && o.sudo) return { code: 1, stdout: "", stderr: "Sorry, try again.\nsudo: 1 incorrect password attempt\n" };
    if (this.how === "exit") return { code: 2, stdout: "", stderr: "sh: 1: cannot open /dev/null: Input/output error\n" };
    const own = this.world.exec?.(this.name, command);
    if (own) return own;
    const script = this.world.shell ? this.world.shell(this.name, command) : command;
    const as = this.world.uid !== undefined && !o.sudo ? { uid: this.world.uid, gid: this.world.uid } : {};
    const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: "/", ...as });
    return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  }

  async openUnixSocket(path: string): Promise<Duplex> {
    this.unreachable(`opening ${path}`);
    if (this.how === "sudo") throw new TransportError(this.name, `cannot open the unix socket ${path}: open failed (is the daemon running, and may ops use the socket?)`);
    if (this.how === "exit") return notLxd();
    const socket = await this.apiSocket();
    return net.connect(socket);
  }

  async upload(): Promise<UploadResult> {
    throw new Error(`${this.name}: a read must not write`);
  }

  async readFile(): Promise<Buffer | undefined> {
    throw new Error(`${this.name}: readFile is not used by reads`);
  }
}

/** Something other than LXD on the socket: a plain-text 404 page for every request. */
function notLxd(): Duplex {
  const [a, b] = socketPair();
  b.on("data", () => b.end("HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 19\r\nconnection: close\r\n\r\n404 page not found\n"));
  return a;
}

/** Two connected in-memory duplex streams. */
function socketPair(): [Duplex, Duplex] {
  let b!: Duplex;
  const a: Duplex = new Duplex({ read() {}, write(chunk, _e, cb) { b.push(chunk); cb(); }, final(cb) { b.push(null); cb(); } });
  b = new Duplex({ read() {}, write(chunk, _e, cb) { a.push(chunk); cb(); }, final(cb) { a.push(null); cb(); } });
  return [a, b];
}
