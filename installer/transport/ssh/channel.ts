/**
 * One command on one channel: stdin written and closed, output collected
 * (always consumed, or the channel never closes), exit code, timeout, abort.
 */
import type { Client } from "ssh2";
import { TransportError } from "../types.js";

export interface ChannelRun {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface ChannelOptions {
  readonly stdin?: Buffer | string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The connection's loss (see `Opened.lost`): a command still running on it is lost with it. */
  readonly lost?: AbortSignal;
  /** How the command appears in errors (secrets already masked). */
  readonly display: string;
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
}

function lineSplitter(emit?: (line: string) => void): { push(b: Buffer): void; flush(): void } {
  let rest = "";
  return {
    push(b) {
      if (!emit) return;
      const parts = (rest + b.toString("utf8")).split("\n");
      rest = parts.pop()!;
      for (const p of parts) emit(p);
    },
    flush() {
      if (emit && rest) emit(rest);
      rest = "";
    },
  };
}

/**
 * `release` frees the channel's slot in the pool: only once the channel has
 * really closed (sshd holds the session until then, even after a timeout),
 * or at once when it never opened.
 */
export function runOnChannel(client: Client, host: string, command: string, o: ChannelOptions, release: () => void): Promise<ChannelRun> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const so = lineSplitter(o.onStdout);
    const se = lineSplitter(o.onStderr);
    let code: number | undefined;
    let killedBy: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let channel: import("ssh2").ClientChannel | undefined;

    const finish = (e?: Error): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      o.lost?.removeEventListener("abort", onLost);
      if (e) {
        try {
          channel?.signal("KILL");
          channel?.close();
        } catch { /* the channel may be gone already */ }
        return reject(e);
      }
      so.flush();
      se.flush();
      const stderr = Buffer.concat(err);
      if (code === undefined) return reject(lostError());
      resolve({ code, stdout: Buffer.concat(out), stderr });
    };
    const onAbort = (): void => finish(new TransportError(host, `aborted: ${o.display}`, { command: o.display }));
    // Its exit status may have come before the connection went: then the command did finish.
    const onLost = (): void => finish(code === undefined ? lostError() : undefined);
    const lostError = (): TransportError => new TransportError(host, `connection lost while running: ${o.display}${killedBy ? ` (killed by ${killedBy})` : ""}`, {
      command: o.display, stderr: Buffer.concat(err).toString(), retryable: true,
    });
    if (o.signal?.aborted) {
      release();
      return onAbort();
    }
    if (o.lost?.aborted) {
      release();
      return finish(new TransportError(host, "cannot open a channel: Not connected", { retryable: true }));
    }
    o.signal?.addEventListener("abort", onAbort, { once: true });
    o.lost?.addEventListener("abort", onLost, { once: true });
    timer = setTimeout(() => {
      const tailText = Buffer.concat(err).toString().trimEnd().split("\n").slice(-8).join("\n");
      finish(new TransportError(host, `timed out after ${Math.round(o.timeoutMs / 1000)} s: ${o.display}${tailText ? `\n${tailText}` : ""}`, {
        command: o.display, stderr: tailText,
      }));
    }, o.timeoutMs);

    try {
      client.exec(command, (e, ch) => {
        if (e) {
          release();
          return finish(new TransportError(host, `cannot open a channel: ${e.message}`, { retryable: true }));
        }
        channel = ch;
        ch.on("close", release);
        if (settled) return void ch.close();
        ch.on("data", (b: Buffer) => {
          out.push(b);
          so.push(b);
        });
        ch.stderr.on("data", (b: Buffer) => {
          err.push(b);
          se.push(b);
        });
        ch.on("exit", (c: number | null, sig?: string) => {
          if (c !== null && c !== undefined) code = c;
          else if (sig) {
            killedBy = `signal ${sig}`;
            code = 128 + (sig === "KILL" ? 9 : sig === "TERM" ? 15 : 1);
          }
        });
        ch.on("close", () => finish());
        ch.on("error", (x: Error) => finish(new TransportError(host, `channel error: ${x.message}`, { retryable: true })));
        ch.end(o.stdin ?? "");
      });
    } catch (e) {
      release();
      // Thrown before anything ran ("Not connected"): safe to retry on another connection.
      finish(new TransportError(host, `cannot open a channel: ${(e as Error).message}`, { retryable: true }));
    }
  });
}
