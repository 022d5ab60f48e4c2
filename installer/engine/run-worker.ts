/** Runs a pass in a fresh worker thread, streaming its events. */
import { Worker } from "node:worker_threads";
import { DrydockError } from "./errors.js";
import type { EngineEvent } from "./events.js";
import type { PassRequest, PassResult } from "./pass.js";

let current: Worker | undefined;

/** Asks the running pass to stop scheduling new steps (running ones finish, state is saved). */
export function cancelRunningPass(): void {
  current?.postMessage({ cancel: true });
}

/**
 * A worker that has started and loaded the engine, waiting for its pass: a
 * command that will apply spawns it while its plan is still running. Its
 * program's modules are loaded only by the pass, so they are fresh.
 */
export class PassWorker {
  readonly worker = new Worker(new URL("./worker.js", import.meta.url));
  private used = false;

  /** Not yet given its pass. */
  get idle(): boolean {
    return !this.used;
  }

  run(req: PassRequest, onEvent: (e: EngineEvent) => void): Promise<PassResult> {
    if (this.used) throw new Error("a pass worker runs one pass");
    this.used = true;
    const worker = this.worker;
    current = worker;
    return new Promise((resolve, reject) => {
      let settled = false;
      worker.on("message", (m: { event?: EngineEvent; result?: PassResult }) => {
        if (m.event) onEvent(m.event);
        if (m.result) {
          // The worker posts its result only once every provider call has settled or
          // used up its grace period; what still runs then is abandoned (and pending in state).
          settled = true;
          resolve(m.result);
          void worker.terminate();
        }
      });
      worker.on("error", (e) => {
        if (settled) return;
        settled = true;
        reject(new DrydockError("failed", `the ${req.operation} pass crashed: ${e.message}`, {}, { cause: e }));
      });
      worker.on("exit", (code) => {
        if (settled) return;
        settled = true;
        reject(new DrydockError("program", `the program ended the ${req.operation} pass early (exit code ${code})`));
      });
      worker.postMessage({ run: req });
    });
  }

  /** Ends a worker that was not needed after all. */
  discard(): void {
    if (!this.used) void this.worker.terminate();
  }
}

export function runPassInWorker(req: PassRequest, onEvent: (e: EngineEvent) => void, worker = new PassWorker()): Promise<PassResult> {
  return worker.run(req, onEvent);
}
