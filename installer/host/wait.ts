/**
 * Waiting for something to become true: tries a check until it passes or the
 * time is up, saying what it waits for whenever the answer changes, and on
 * failure the last error and the journal tail of the service it names.
 */
export interface WaitOptions {
  /** What it waits for, in words ("etcd member etcd-1 healthy"). */
  readonly what: string;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  readonly log: (m: string) => void;
  readonly signal?: AbortSignal;
  /** The journal tail to show on failure. */
  readonly journal?: () => Promise<string>;
}

export class WaitTimeout extends Error {
  override readonly name = "WaitTimeout";
}

export async function waitFor(attempt: (remainingMs: number) => Promise<{ ok: true } | { ok: false; error: string }>, o: WaitOptions): Promise<number> {
  const start = Date.now();
  const deadline = start + o.timeoutSeconds * 1000;
  let last = "";
  let tries = 0;
  for (;;) {
    tries++;
    const r = await attempt(Math.max(1000, Math.min(10_000, deadline - Date.now())));
    if (r.ok) {
      if (tries > 1) o.log(`${o.what}: ready after ${((Date.now() - start) / 1000).toFixed(1)}s`);
      return Date.now() - start;
    }
    if (r.error !== last) o.log(`waiting for ${o.what}: ${r.error}`);
    last = r.error;
    if (o.signal?.aborted || Date.now() >= deadline) break;
    await new Promise((res) => setTimeout(res, Math.min(o.intervalSeconds * 1000, Math.max(0, deadline - Date.now()))));
  }
  const journal = o.journal ? await o.journal().catch(() => "") : "";
  const why = o.signal?.aborted ? "stopped" : `not ready within ${o.timeoutSeconds}s`;
  throw new WaitTimeout(`${o.what}: ${why} (${tries} tries)\nlast error: ${last}${journal ? `\n--- journal:\n${journal}` : ""}`);
}
