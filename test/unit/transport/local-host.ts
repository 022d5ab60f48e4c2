/**
 * An SshTransport whose "sshd" is this machine: each channel runs its command
 * with /bin/sh -c in `cwd`, so tests run the exact scripts the transport builds.
 */
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Connection } from "../../../sdk/ssh/connection.js";
import type { HostPool, Lease } from "../../../installer/transport/ssh/pool.js";
import { SshTransport } from "../../../installer/transport/ssh/transport.js";

/** What runOnChannel uses of an ssh2 channel, backed by a local process. */
function localChannel(command: string, cwd: string): EventEmitter {
  const ch = new EventEmitter() as EventEmitter & Record<string, unknown>;
  // In a session of its own, as sshd starts a command.
  const p = spawn("/bin/sh", ["-c", command], { cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
  ch.stderr = p.stderr;
  p.stdout.on("data", (b: Buffer) => ch.emit("data", b));
  p.on("close", (code, sig) => {
    ch.emit("exit", code, sig ?? undefined);
    ch.emit("close");
  });
  ch.end = (data: Buffer | string) => p.stdin.end(data);
  ch.signal = (s: string) => p.kill(`SIG${s}` as NodeJS.Signals);
  ch.close = () => p.kill("SIGKILL");
  return ch;
}

/** Commands the transport sent, in order. */
export interface LocalHost {
  readonly transport: SshTransport;
  readonly commands: string[];
}

export function localHost(cwd: string): LocalHost {
  const commands: string[] = [];
  const client = {
    exec(command: string, cb: (e: Error | undefined, ch: EventEmitter) => void): void {
      commands.push(command);
      cb(undefined, localChannel(command, cwd));
    },
  };
  const lease: Lease = { client: client as never, hostKey: "SHA256:local", lost: new AbortController().signal, release() {}, broken() {}, saturated() {} };
  const pool = { lease: async () => lease } as unknown as HostPool;
  const connection: Connection = { host: "local", port: 22, user: "root", hostKeys: ["SHA256:local"], sudo: true };
  return { transport: new SshTransport(connection, pool), commands };
}
