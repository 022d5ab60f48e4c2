/**
 * Connections per host. sshd allows 10 sessions per connection and frees a
 * slot only after the close handshake, so a connection carries at most 8
 * channels; more connections open when needed. A dead connection leaves the
 * pool at once, and opening retries with backoff until the deadline.
 */
import { createHash } from "node:crypto";
import type { Client } from "ssh2";
import { describeConnection, type Connection } from "../../../sdk/ssh/connection.js";
import { TransportError } from "../types.js";
import { isRetryable, openClient, type Opened } from "./connect.js";

export const MAX_CHANNELS = 8;
export const MAX_CONNECTIONS = 8;

export interface Lease {
  readonly client: Client;
  readonly hostKey: string;
  /** Aborted when this connection is lost. */
  readonly lost: AbortSignal;
  release(): void;
  /** The connection turned out dead: take it out of the pool. */
  broken(): void;
  /** sshd refused a channel: carry fewer on this connection from now on. */
  saturated(): void;
}

interface Slot {
  readonly ready: Promise<Opened>;
  opened?: Opened;
  active: number;
  /** Channels this connection may carry (lowered when sshd refuses one). */
  max: number;
  dead: boolean;
  idle?: NodeJS.Timeout;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class HostPool {
  readonly name: string;
  private readonly slots: Slot[] = [];
  private waiters: Array<() => void> = [];
  /** How sudo behaves on this host, probed once (see SshTransport). */
  sudoMode?: Promise<"nopasswd" | "password">;

  constructor(readonly connection: Connection, private readonly pools: Pools) {
    this.name = describeConnection(connection);
  }

  /** A channel slot on a live connection; call release() when the channel has closed. */
  async lease(log?: (m: string) => void): Promise<Lease> {
    for (;;) {
      const slot = this.slots.find((s) => !s.dead && s.active < s.max);
      if (slot) {
        slot.active++;
        if (slot.idle) clearTimeout(slot.idle);
        let opened: Opened;
        try {
          opened = await slot.ready;
        } catch (e) {
          slot.active--;
          throw e;
        }
        if (slot.dead) {
          slot.active--;
          continue;
        }
        let released = false;
        return {
          client: opened.client, hostKey: opened.hostKey, lost: opened.lost,
          release: () => {
            if (released) return;
            released = true;
            slot.active--;
            if (slot.active === 0 && !slot.dead) {
              slot.idle = setTimeout(() => this.retire(slot), 15_000);
              slot.idle.unref();
            }
            this.wake();
          },
          broken: () => this.retire(slot),
          saturated: () => {
            slot.max = Math.max(1, Math.min(slot.max, slot.active - 1));
          },
        };
      }
      if (this.slots.length < MAX_CONNECTIONS) {
        const s: Slot = { ready: this.open(log), active: 0, max: MAX_CHANNELS, dead: false };
        this.slots.push(s);
        s.ready.then((o) => {
          s.opened = o;
          // Retired while it was still opening (closeAll): end it now.
          if (s.dead) return void o.client.end();
          if (o.lost.aborted) return this.retire(s);
          o.lost.addEventListener("abort", () => this.retire(s), { once: true });
        }, () => this.retire(s));
        continue;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private retire(s: Slot): void {
    if (s.dead) return;
    s.dead = true;
    if (s.idle) clearTimeout(s.idle);
    const i = this.slots.indexOf(s);
    if (i >= 0) this.slots.splice(i, 1);
    s.opened?.client.end();
    this.wake();
  }

  /** Opens a connection (through the jump host when there is one), retrying transient failures until the deadline. */
  private async open(log?: (m: string) => void): Promise<Opened> {
    const deadline = Date.now() + (this.connection.connectTimeout ?? 30) * 1000;
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openOnce();
      } catch (e) {
        if (!isRetryable(e) || Date.now() + delay > deadline) {
          if (isRetryable(e)) {
            throw new TransportError(this.name, `gave up connecting after ${attempt} attempts: ${(e as Error).message}`, { retryable: false }, { cause: e });
          }
          throw e;
        }
        log?.(`waiting for ssh on ${this.name} (${(e as Error).message.replace(/^.*?: /, "")})`);
        await sleep(delay);
        // Kept short: a host that is coming up (sshd starting) should be caught soon after it listens.
        delay = Math.min(delay * 1.5, 500);
      }
    }
  }

  private async openOnce(): Promise<Opened> {
    const jump = this.connection.jump;
    if (!jump) return openClient(this.connection);
    const hop = await this.pools.get(jump).lease();
    try {
      const sock = await new Promise<import("ssh2").ClientChannel>((resolve, reject) => {
        if (!(hop.client as unknown as { _sock?: { writable?: boolean } })._sock?.writable) {
          return reject(new TransportError(this.name, "jump host connection: Not connected", { retryable: true }));
        }
        // The jump host's own TCP connect can take minutes against a host that drops packets.
        let late = false;
        const timer = setTimeout(() => {
          late = true;
          reject(new TransportError(this.name,
            `jump host ${describeConnection(jump)} did not reach ${this.connection.host}:${this.connection.port} within 15 s`, { retryable: true }));
        }, 15_000);
        hop.client.forwardOut("127.0.0.1", 0, this.connection.host, this.connection.port, (err, ch) => {
          clearTimeout(timer);
          if (late) return void ch?.close();
          if (err) reject(new TransportError(this.name, `jump host ${describeConnection(jump)} cannot reach ${this.connection.host}:${this.connection.port}: ${err.message}`, { retryable: true }));
          else resolve(ch);
        });
      });
      sock.on("close", () => hop.release());
      try {
        return await openClient(this.connection, sock);
      } catch (e) {
        sock.destroy();
        throw e;
      }
    } catch (e) {
      if (/Not connected/i.test(String((e as Error).message))) hop.broken();
      hop.release();
      throw e;
    }
  }

  close(): void {
    for (const s of [...this.slots]) this.retire(s);
  }
}

/** JSON with sorted keys, so equal connections share a pool whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** One pool per distinct connection (auth, pins and jump chain included). */
export class Pools {
  private readonly pools = new Map<string, HostPool>();

  get(c: Connection): HostPool {
    const key = createHash("sha256").update(canonical(c)).digest("hex");
    let p = this.pools.get(key);
    if (!p) this.pools.set(key, (p = new HostPool(c, this)));
    return p;
  }

  closeAll(): void {
    for (const p of this.pools.values()) p.close();
    this.pools.clear();
  }
}
