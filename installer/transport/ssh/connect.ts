/** One verified SSH connection: host key pinned, then authenticated. */
import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import type { Duplex } from "node:stream";
import type { Client, ConnectConfig } from "ssh2";
import { describeConnection, type Connection } from "../../../sdk/ssh/connection.js";
import { TransportError } from "../types.js";
import { hostKeyAlgorithms, parsePin, fingerprintOfBlob } from "./fingerprint.js";
import { hostKeyRefusal, rememberHostKey, seenHostKey } from "./host-key.js";

let ssh2: typeof import("ssh2") | undefined;
async function loadSsh2(): Promise<typeof import("ssh2")> {
  ssh2 ??= ((await import("ssh2")) as unknown as { default: typeof import("ssh2") }).default;
  return ssh2;
}

export interface Opened {
  readonly client: Client;
  /** The fingerprint the server presented (what trust-on-first-use pins). */
  readonly hostKey: string;
  /** Aborted the moment the connection ends, fails or closes: every command on it is lost. */
  readonly lost: AbortSignal;
}

const RETRYABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|Timed out while waiting for handshake|Connection lost before handshake|socket hang up|Channel open failure|open failed|Not connected|No response from server|Keepalive timeout/i;

export function isRetryable(e: unknown): boolean {
  if (e instanceof TransportError) return e.detail.retryable === true;
  return RETRYABLE.test(String((e as Error)?.message ?? e));
}

async function authConfig(c: Connection, name: string): Promise<Partial<ConnectConfig>> {
  const cfg: Partial<ConnectConfig> = {};
  if (c.privateKey) cfg.privateKey = c.privateKey;
  if (c.privateKeyPath) {
    try {
      cfg.privateKey = await readFile(c.privateKeyPath);
    } catch (e) {
      throw new TransportError(name, `cannot read privateKeyPath "${c.privateKeyPath}": ${(e as Error).message}`);
    }
  }
  if (c.passphrase !== undefined) cfg.passphrase = c.passphrase;
  if (c.password !== undefined) cfg.password = c.password;
  if (c.agent) {
    const sock = typeof c.agent === "string" ? c.agent : process.env.SSH_AUTH_SOCK;
    if (!sock) throw new TransportError(name, "agent: true, but SSH_AUTH_SOCK is not set");
    cfg.agent = sock;
  }
  return cfg;
}

/** Opens `c`, over `sock` (a jump host's forwarded channel) when given. */
export async function openClient(c: Connection, sock?: Duplex): Promise<Opened> {
  const { Client } = await loadSsh2();
  const name = describeConnection(c);
  const pins = c.hostKeys.map(parsePin);
  const auth = await authConfig(c, name);
  const algorithms = hostKeyAlgorithms(pins);
  let presented: string | undefined;
  let refused: string | undefined;

  return new Promise<Opened>((resolve, reject) => {
    const client = new Client();
    const fail = (e: Error): void => {
      client.removeAllListeners("ready");
      client.on("error", () => {});
      client.end();
      if (refused) return reject(new TransportError(name, refused, { retryable: false }));
      const auth = /authentication methods failed/i.test(e.message);
      reject(new TransportError(name, auth ? `authentication failed for user "${c.user}" (${e.message})` : `cannot connect: ${e.message}`, {
        retryable: !auth && isRetryable(e),
      }, { cause: e }));
    };
    // A host that drops the socket after its banner (sshd killed mid-login) makes ssh2 emit
    // only "close", with no error, and stop its ready timer: without this the open never settles.
    const dropped = (): void => fail(new TransportError(name, "the host closed the connection before it was ready", { retryable: true }));
    client.once("error", fail);
    client.once("close", dropped);
    client.once("ready", () => {
      client.removeListener("error", fail);
      client.removeListener("close", dropped);
      // Each command is a few small packets each way: with Nagle on, every one waits out the host's delayed ACK (about 40 ms).
      client.setNoDelay(true);
      resolve({ client, hostKey: presented!, lost: lossSignal(client, sock) });
    });
    client.connect({
      host: c.host,
      port: c.port,
      username: c.user,
      ...(sock ? { sock } : {}),
      ...auth,
      readyTimeout: 15_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      ...(algorithms ? { algorithms: { serverHostKey: algorithms as never } } : {}),
      hostVerifier: (key: Buffer) => {
        presented = fingerprintOfBlob(key);
        if (pins.some((p) => p.fingerprint === presented) || (pins.length === 0 && c.trustOnFirstUse)) {
          rememberHostKey(c, presented);
          return true;
        }
        const n = key.length >= 4 ? key.readUInt32BE(0) : 0;
        refused = hostKeyRefusal(presented, key.subarray(4, 4 + n).toString(), pins, seenHostKey(c));
        return false;
      },
    });
  });
}

/**
 * A connection that ends (the host gone, a keepalive unanswered) is torn
 * down at once. Through a jump host the forwarded stream can end while our
 * writes wait on a window that will never open: ssh2 then ends politely,
 * never closes, and every channel on it would wait for its own timeout.
 */
function lossSignal(client: Client, sock?: Duplex): AbortSignal {
  const lost = new AbortController();
  setMaxListeners(0, lost.signal);
  const gone = (e?: Error): void => {
    if (lost.signal.aborted) return;
    lost.abort(e ?? new Error("connection closed"));
    const raw = sock ?? (client as unknown as { _sock?: Duplex })._sock;
    raw?.destroy();
  };
  client.on("end", () => gone());
  client.on("close", () => gone());
  client.on("error", gone);
  return lost.signal;
}
