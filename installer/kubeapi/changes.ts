/**
 * Wake-ups on change: one watch per collection, shared by everything waiting on objects in it,
 * opened by the first waiter and closed a while after the last. A watch only shortens the time
 * between looks; what is ready is always decided by reading the object again, and a watch that
 * cannot be opened (no `watch` permission, an old proxy) leaves each waiter on its own timer.
 */
import type { KubeClient } from "./client.js";

interface Meta { metadata?: { name?: string; labels?: Record<string, string>; resourceVersion?: string } }
export type Match = (o: Meta) => boolean;

interface Waiter { readonly match: Match; readonly wake: () => void }

interface Watch {
  readonly waiters: Set<Waiter>;
  /** The last changes seen (when, and the object), for a waiter who looked just before one. */
  readonly recent: { at: number; o: Meta }[];
  readonly abort: AbortController;
  linger?: NodeJS.Timeout;
}

const RECENT = 512;
const LINGER_MS = 5_000;
const RETRY_MS = 10_000;
const WATCH_S = 240;

export class Changes {
  private readonly watches = new Map<string, Watch>();
  /** Collections whose watch failed, and when: not tried again for a while. */
  private readonly failed = new Map<string, number>();

  constructor(private readonly client: KubeClient) {}

  /**
   * Resolves at the first change, seen after `since` (ms since the epoch), of an object in
   * `collection` (a list path) that `match` accepts, or after `ms`, or when `signal` aborts.
   * `from`: a resourceVersion to watch from when the watch is opened here.
   */
  wait(collection: string, match: Match, o: { since: number; ms: number; from?: string; signal?: AbortSignal }): Promise<void> {
    return new Promise<void>((resolve) => {
      if (o.signal?.aborted) return resolve();
      const w = this.watchOf(collection, o.from);
      if (w?.recent.some((r) => r.at >= o.since && match(r.o))) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = { match, wake: () => done() };
      const done = (): void => {
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", done);
        if (w) {
          w.waiters.delete(waiter);
          if (w.waiters.size === 0) this.lingerThenClose(collection, w);
        }
        resolve();
      };
      timer = setTimeout(done, o.ms);
      o.signal?.addEventListener("abort", done, { once: true });
      if (w) {
        clearTimeout(w.linger);
        w.waiters.add(waiter);
      }
    });
  }

  /** Closes every watch; its waiters go on at once. */
  close(): void {
    for (const [c, w] of this.watches) {
      for (const waiter of [...w.waiters]) waiter.wake();
      this.closeWatch(c, w);
    }
  }

  private watchOf(collection: string, from: string | undefined): Watch | undefined {
    const open = this.watches.get(collection);
    if (open) return open;
    if (Date.now() - (this.failed.get(collection) ?? 0) < RETRY_MS) return undefined;
    const w: Watch = { waiters: new Set(), recent: [], abort: new AbortController() };
    this.watches.set(collection, w);
    const query = { watch: 1, allowWatchBookmarks: false, timeoutSeconds: WATCH_S, ...(from ? { resourceVersion: from } : {}) };
    this.client.stream(collection, query, (line) => this.seen(w, line), w.abort.signal).then(
      () => this.ended(collection, w),
      () => {
        this.failed.set(collection, Date.now());
        this.ended(collection, w);
      },
    );
    return w;
  }

  private seen(w: Watch, line: unknown): void {
    const e = line as { type?: string; object?: Meta };
    if (!e.object || e.type === "ERROR" || e.type === "BOOKMARK") return;
    w.recent.push({ at: Date.now(), o: e.object });
    if (w.recent.length > RECENT) w.recent.splice(0, w.recent.length - RECENT);
    for (const waiter of [...w.waiters]) if (waiter.match(e.object)) waiter.wake();
  }

  /** The stream ended (the server's timeout, an error, closed here): its waiters go on with their timers; the next wait opens a new one. */
  private ended(collection: string, w: Watch): void {
    clearTimeout(w.linger);
    if (this.watches.get(collection) === w) this.watches.delete(collection);
  }

  private lingerThenClose(collection: string, w: Watch): void {
    clearTimeout(w.linger);
    w.linger = setTimeout(() => this.closeWatch(collection, w), LINGER_MS);
    w.linger.unref();
  }

  private closeWatch(collection: string, w: Watch): void {
    w.abort.abort();
    this.ended(collection, w);
  }
}
