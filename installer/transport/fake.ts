/**
 * An in-memory Transport for unit tests: files live in a map, commands are
 * answered by handlers, and every call is recorded so tests can assert on it.
 */
import { createHash } from "node:crypto";
import type { ExecOptions, ExecResult, Transport, UploadOptions, UploadResult } from "./types.js";
import { checkedUpload } from "./ssh/install.js";

export interface FakeFile {
  content: Buffer;
  mode: string;
  owner: string;
}

export type FakeHandler = (command: string, options: ExecOptions) => ExecResult | undefined;

export interface FakeCall {
  readonly op: "exec" | "upload" | "read";
  readonly target: string;
  readonly sudo: boolean;
}

export class FakeTransport implements Transport {
  readonly files = new Map<string, FakeFile>();
  readonly calls: FakeCall[] = [];
  private readonly handlers: FakeHandler[] = [];
  /** When set, the next calls throw this (a dead host). */
  down?: Error;

  constructor(readonly name = "fake@host", readonly user = "fake", public presentedKey = "SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U") {}

  async hostKey(): Promise<string> {
    if (this.down) throw this.down;
    return this.presentedKey;
  }

  /** Answers matching commands; later handlers win. */
  on(match: RegExp | string, reply: Partial<ExecResult> | ((command: string) => Partial<ExecResult>)): this {
    this.handlers.unshift((cmd) => {
      if (typeof match === "string" ? cmd !== match : !match.test(cmd)) return undefined;
      const r = typeof reply === "function" ? reply(cmd) : reply;
      return { code: r.code ?? 0, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    });
    return this;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ op: "exec", target: command, sudo: !!options.sudo });
    if (this.down) throw this.down;
    for (const h of this.handlers) {
      const r = h(command, options);
      if (r) {
        r.stdout.split("\n").filter(Boolean).forEach((l) => options.onStdout?.(l));
        return r;
      }
    }
    return { code: 127, stdout: "", stderr: `fake: no handler for: ${command}` };
  }

  async upload(content: Buffer | string, path: string, o: UploadOptions = {}): Promise<UploadResult> {
    this.calls.push({ op: "upload", target: path, sudo: !!o.sudo });
    if (this.down) throw this.down;
    const bytes = typeof content === "string" ? Buffer.from(content) : content;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // The same refusals as the SSH upload, so provider tests catch a bad path or mode.
    const mode = checkedUpload(this.name, path, o.mode);
    const owner = o.owner ?? this.user;
    const old = this.files.get(path);
    if (old && old.content.equals(bytes) && old.mode === mode && old.owner === owner) return { changed: false, sha256 };
    this.files.set(path, { content: bytes, mode, owner });
    return { changed: true, sha256 };
  }

  async readFile(path: string, o: { sudo?: boolean } = {}): Promise<Buffer | undefined> {
    this.calls.push({ op: "read", target: path, sudo: !!o.sudo });
    if (this.down) throw this.down;
    return this.files.get(path)?.content;
  }
}
