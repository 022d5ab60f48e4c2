/**
 * The pass's concurrency limit: at most `concurrency` steps at once, first come first served,
 * except that a step marked `early` goes before every ordinary step still waiting (a rollout
 * that will then wait for minutes starts first: the pass ends sooner). `concurrency` may change
 * while running (a step only waiting lends its slot).
 */
export interface Slots {
  <T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` before the ordinary steps waiting. */
  early<T>(fn: () => Promise<T>): Promise<T>;
  concurrency: number;
  readonly activeCount: number;
  readonly pendingCount: number;
}

export function slots(concurrency: number): Slots {
  let active = 0;
  let limit = concurrency;
  const urgent: (() => void)[] = [];
  const queue: (() => void)[] = [];
  const next = (): void => {
    while (active < limit) {
      const start = urgent.shift() ?? queue.shift();
      if (!start) return;
      active += 1;
      start();
    }
  };
  const enqueue = <T>(into: (() => void)[], fn: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    into.push(() => {
      Promise.resolve().then(fn).then(resolve, reject).finally(() => {
        active -= 1;
        next();
      });
    });
    next();
  });
  const run = (<T>(fn: () => Promise<T>) => enqueue(queue, fn)) as Slots;
  run.early = (fn) => enqueue(urgent, fn);
  Object.defineProperties(run, {
    concurrency: { get: () => limit, set: (n: number) => { limit = n; next(); } },
    activeCount: { get: () => active },
    pendingCount: { get: () => urgent.length + queue.length },
  });
  return run;
}
