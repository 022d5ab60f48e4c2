/**
 * The narrow interface every remote step sees: run a command, put a file,
 * read a file. SSH implements it; an in-memory fake stands in for unit tests.
 */
import type { Duplex } from "node:stream";
import type { Connection } from "../../sdk/ssh/connection.js";

export interface ExecOptions {
  /** Run through sudo (passwordless, or with the connection's sudo password on stdin). */
  readonly sudo?: boolean;
  /** Exported before the command runs; values travel on stdin, never on a command line. */
  readonly env?: Readonly<Record<string, string>>;
  /** Milliseconds before the command is abandoned with an error. @default 600000 */
  readonly timeoutMs?: number;
  /** Aborts the command (the channel is closed). */
  readonly signal?: AbortSignal;
  /** Streamed output, line by line, as it arrives. */
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
  /** Plaintexts to mask in errors (besides the connection's own secrets). */
  readonly secrets?: readonly string[];
  /** How the command appears in errors, instead of its text (a script that carries content). */
  readonly display?: string;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface UploadOptions {
  /** Octal permission bits. @default "0644" */
  readonly mode?: string;
  /** `user`, or `user:group`; needs sudo unless it is the login user. */
  readonly owner?: string;
  readonly sudo?: boolean;
  readonly signal?: AbortSignal;
  /** Send it gzip-compressed (large binaries): unpacked on the host, then checked by sha256 as always. */
  readonly gzip?: boolean;
  /** The caller has just read the target and knows it differs: it is written without being read again. */
  readonly probed?: boolean;
}

export interface UploadResult {
  /** false when the remote file already had this content, mode and owner. */
  readonly changed: boolean;
  readonly sha256: string;
}

export interface Transport {
  /** `user@host` (via …), for messages. */
  readonly name: string;
  /** Runs `command` with `/bin/sh`. Resolves for any exit code; rejects when it could not run or timed out. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes `content` to `path`: temp name, sha256 checked remotely, mode/owner set, renamed into place. */
  upload(content: Buffer | string, path: string, options?: UploadOptions): Promise<UploadResult>;
  /** Connects if needed; the host key fingerprint the host presented. */
  hostKey(): Promise<string>;
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string, options?: { readonly sudo?: boolean }): Promise<Buffer | undefined>;
}

/** A transport that can also open a Unix socket on its host (the LXD API). */
export interface SocketOpener {
  readonly name: string;
  openUnixSocket(path: string): Promise<Duplex>;
}

/** A transport that can open a TCP stream from its host (an API server behind it). */
export interface TcpOpener {
  openTcp(host: string, port: number): Promise<Duplex>;
}

/** Opens (or reuses) a transport for a connection; unit tests pass a fake. */
export type Connector<T extends Transport = Transport> = (c: Connection, log?: (m: string) => void) => T;

/** What went wrong on which host in which step, with the tail of stderr. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly host: string,
    message: string,
    readonly detail: { readonly command?: string; readonly code?: number; readonly stderr?: string; readonly retryable?: boolean } = {},
    options?: { cause?: unknown },
  ) {
    super(`${host}: ${message}`, options);
  }
}

/** The last lines of a command's stderr, for error messages. */
export function tail(text: string, lines = 12): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

/** Throws unless the command exited 0; the error names host, command, exit code and stderr tail. */
export async function run(t: Transport, command: string, options?: ExecOptions & { readonly what?: string }): Promise<ExecResult> {
  const r = await t.exec(command, options);
  if (r.code !== 0) {
    const what = options?.what ?? command;
    const err = tail(r.stderr || r.stdout);
    throw new TransportError(t.name, `${what} failed (exit ${r.code})${err ? `:\n${err}` : ""}`, {
      command, code: r.code, stderr: r.stderr,
    });
  }
  return r;
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Shell that defines `dd_sha256`: the hex sha256 of its stdin. OpenSSL's digest
 * (hardware SHA where the CPU has it) is several times faster than coreutils'
 * sha256sum on large files; sha256sum is the fallback where openssl is absent.
 */
export const SHA256_FUNCTION =
  "if command -v openssl >/dev/null 2>&1; then dd_sha256() { openssl dgst -sha256 -r | cut -d' ' -f1; }; else dd_sha256() { sha256sum | cut -d' ' -f1; }; fi";
