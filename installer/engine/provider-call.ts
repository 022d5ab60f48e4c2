/**
 * One provider call under its customTimeouts deadline. When the deadline
 * passes the call's signal is aborted, and the call is still awaited for a
 * grace period: what it finally did (returned, threw, or is still running)
 * decides what state records, so a timeout never hides what really happened.
 */
import { errorMessage } from "./errors.js";

export interface CallOutcome<T> {
  /** What the provider returned, if it did (possibly after its deadline). */
  readonly returned?: { readonly value: T };
  /** What the provider threw, if it did: it has finished, its own cleanup included. */
  readonly thrown?: { readonly error: unknown };
  /** Set when the deadline passed before the provider settled. */
  readonly timedOut?: { readonly error: Error; readonly graceMs: number; readonly lateMs?: number };
}

/** True when the provider returned or threw; false when it was still running after its grace period. */
export function settled(o: CallOutcome<unknown>): boolean {
  return Boolean(o.returned ?? o.thrown);
}

/** Calls still running and not yet given up on (deadline plus grace not over). */
const inFlight = new Set<Promise<unknown>>();

/**
 * Resolves once every provider call has settled or used up its grace period,
 * so a pass posts its result (and its worker ends) only then.
 */
export async function callsSettled(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight]);
}

/** `p`'s value, or undefined if `ms` pass first. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<undefined>((res) => {
    timer = setTimeout(res, ms, undefined);
  });
  try {
    return await Promise.race([p, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

export function callWithDeadline<T>(
  what: { readonly urn: string; readonly op: string; readonly timeoutMs: number | undefined; readonly graceMs: number },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<CallOutcome<T>> {
  const ac = new AbortController();
  const call: Promise<CallOutcome<T>> = Promise.resolve()
    .then(() => fn(ac.signal))
    .then((value) => ({ returned: { value } }), (error: unknown) => ({ thrown: { error } }));
  const outcome = (async (): Promise<CallOutcome<T>> => {
    if (what.timeoutMs === undefined) return call;
    const first = await within(call, what.timeoutMs);
    if (first) return first;
    const error = new Error(`${what.op} of ${what.urn} timed out after ${what.timeoutMs / 1000}s (customTimeouts.${what.op})`);
    ac.abort(error);
    const { graceMs } = what;
    const at = performance.now();
    const late = await within(call, graceMs);
    return late ? { ...late, timedOut: { error, graceMs, lateMs: performance.now() - at } } : { timedOut: { error, graceMs } };
  })();
  inFlight.add(outcome);
  void outcome.finally(() => inFlight.delete(outcome));
  return outcome;
}

/** Why a step failed, saying what became of the provider's work after a timeout. */
export function failureMessage(o: CallOutcome<unknown>, recorded: string | undefined): string {
  const t = o.timedOut;
  const cause = o.thrown ? errorMessage(o.thrown.error) : undefined;
  const after = recorded ? `; ${recorded}` : "";
  if (!t) return `${cause}${after}`;
  const seconds = (ms: number): string => `${Math.round(ms / 100) / 10}s`;
  if (o.returned) return `${t.error.message}; it finished ${seconds(t.lateMs ?? 0)} later${after}`;
  if (o.thrown) return `${t.error.message}; it then stopped: ${cause}${after}`;
  return `${t.error.message} and was still running ${seconds(t.graceMs)} later; its pending record is kept so the next run reconciles it`;
}
