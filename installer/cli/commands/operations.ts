/** preview, up, refresh, destroy: plan in one pass, confirm on a terminal, apply in another. */
import type { EngineEvent } from "../../engine/events.js";
import type { PassRequest, PassResult } from "../../engine/pass.js";
import { startDerivation, type SharedKey } from "../../engine/key-share.js";
import { loadStackSettings } from "../../engine/project.js";
import { cancelRunningPass, runPassInWorker, PassWorker } from "../../engine/run-worker.js";
import type { StackLock } from "../../engine/state/lock.js";
import { openProject, passphrase, resolveStack, type GlobalOptions } from "../context.js";
import { confirm } from "../prompt.js";
import { EventsFileReporter } from "../render/events-file.js";
import { JsonReporter, PlainReporter, TeeReporter, type Reporter } from "../render/plain.js";
import { out } from "../output.js";

/** A pass request before it is a plan or an apply. */
type PassRequestBase = Omit<PassRequest, "dryRun">;

export interface OperationFlags {
  readonly diff?: boolean;
  readonly expectNoChanges?: boolean;
  readonly refresh?: boolean;
  readonly target?: string[];
  readonly targetDependents?: boolean;
  readonly parallel?: number;
  readonly events?: string;
}

type Kind = "preview" | "up" | "refresh" | "destroy";

async function reporter(g: GlobalOptions, f: OperationFlags, dryRun: boolean, title: string): Promise<Reporter> {
  const parts: Reporter[] = [];
  if (g.json) parts.push(new JsonReporter(out));
  else {
    const plain = new PlainReporter({ showDiffs: Boolean(f.diff), write: out });
    if (!dryRun && process.stdout.isTTY) {
      // listr2 is loaded only for terminals.
      const { TtyReporter } = await import("../render/tty.js");
      parts.push(new TtyReporter(title, plain));
    } else parts.push(plain);
  }
  if (f.events) parts.push(EventsFileReporter.open(f.events));
  return new TeeReporter(parts);
}

/**
 * `up` plans and then applies, and both passes reconcile pending operations:
 * a diagnostic the plan already showed is not shown again by the apply.
 */
class ShownDiags {
  private readonly before = new Set<string>();
  private readonly now = new Set<string>();

  isRepeat(e: EngineEvent): boolean {
    if (e.type !== "diag") return false;
    const key = `${e.severity} ${e.urn ?? ""} ${e.message}`;
    this.now.add(key);
    return this.before.has(key);
  }

  passEnded(): void {
    for (const k of this.now) this.before.add(k);
    this.now.clear();
  }
}

async function pass(req: PassRequest, rep: Reporter, signals: Interrupt, diags: ShownDiags, o: PassHooks = {}): Promise<PassResult> {
  try {
    return await runPassInWorker(req, (e) => {
      signals.seen(e);
      o.onEvent?.(e);
      if (!diags.isRepeat(e)) rep.event(e);
    }, o.worker);
  } finally {
    diags.passEnded();
    await rep.close();
  }
}

interface PassHooks {
  readonly onEvent?: (e: EngineEvent) => void;
  /** A worker started ahead of time for this pass. */
  readonly worker?: PassWorker | undefined;
}

/** The stack's key, derived while the first pass's worker starts (when the stack has a salt and a passphrase is given). */
async function deriveAhead(ctx: Awaited<ReturnType<typeof openProject>>, stack: string, pw: string | undefined): Promise<SharedKey | undefined> {
  if (!pw) return undefined;
  const salt = (await loadStackSettings(ctx.project, stack).catch(() => undefined))?.encryptionsalt;
  return salt ? startDerivation(pw, salt) : undefined;
}

/** Prints a pass's errors; returns the exit code (2 for bad input or a failing program, else 1). */
function failed(r: PassResult, g: GlobalOptions): number {
  for (const e of r.errors) {
    if (g.json) out(JSON.stringify({ type: "error", kind: e.kind, message: e.message }));
    process.stderr.write(`error: ${e.message}\n`);
  }
  return r.errors.some((e) => e.kind === "input" || e.kind === "program") ? 2 : 1;
}

export async function runOperation(kind: Kind, g: GlobalOptions, f: OperationFlags): Promise<number> {
  // The first pass's worker loads the engine while this thread opens the project and takes the lock.
  const first = new PassWorker();
  try {
    return await operate(kind, g, f, first);
  } finally {
    first.discard();
  }
}

async function operate(kind: Kind, g: GlobalOptions, f: OperationFlags, first: PassWorker): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const parallel = f.parallel ?? 16;
  const pw = passphrase(g);
  let base: PassRequestBase = {
    kind: kind === "preview" || kind === "up" ? "update" : kind,
    operation: kind,
    projectDir: ctx.project.dir,
    stack,
    passphrase: pw,
    sharedKey: await deriveAhead(ctx, stack, pw),
    parallel,
    targets: f.target,
    targetDependents: f.targetDependents,
    refresh: f.refresh,
  };
  const lock = kind === "preview" ? undefined : await ctx.backend.lock(stack, `drydock ${kind}`);
  const signals = onInterrupt(lock);
  const diags = new ShownDiags();
  // The apply pass's worker starts (and loads the engine) once the plan shows a change, while the plan goes on.
  let next: PassWorker | undefined;
  const spawnOnChange = (e: EngineEvent): void => {
    if (!next && kind !== "preview" && !f.expectNoChanges && e.type === "step" && e.op !== "same") next = new PassWorker();
  };
  try {
    const interactive = Boolean(process.stdout.isTTY && process.stdin.isTTY && !g.yes && !g.json);
    // up always plans first, so bad input is found before anything is touched;
    // so does any run that must not change anything, or that asks first.
    if (kind === "preview" || kind === "up" || interactive || f.expectNoChanges) {
      const plan = await pass({ ...base, dryRun: true }, await reporter(g, f, true, ""), signals, diags, { onEvent: spawnOnChange, worker: first });
      if (plan.errors.length) return failed(plan, g);
      // The apply pass opens the stack's secrets with the key the plan derived: scrypt runs once.
      base = { ...base, key: plan.key };
      if (f.expectNoChanges && plan.stateChanged) {
        process.stderr.write("error: no changes were expected, but the plan has changes\n");
        return 1;
      }
      if (kind === "preview") return 0;
      // The plan proved there is nothing to do: what was previewed is what up does.
      if (kind === "up" && !plan.stateChanged) {
        if (!g.json) out("No changes: the stack is up to date.");
        return 0;
      }
      if (signals.interrupted) return 1;
      if (interactive && !(await confirm(`Do you want to perform this ${kind}?`))) {
        out("Cancelled: nothing was changed.");
        return 1;
      }
    }
    const verb = kind === "up" ? "Updating" : kind === "refresh" ? "Refreshing" : "Destroying";
    // The plan's worker, when there was no plan; else the one started while it ran (or a new one).
    const worker = first.idle ? first : next;
    next = undefined;
    const r = await pass({ ...base, dryRun: false }, await reporter(g, f, false, `${verb} stack ${stack}`), signals, diags, { worker });
    if (r.errors.length) return failed(r, g);
    if (f.expectNoChanges && r.changes) {
      process.stderr.write("error: no changes were expected, but changes were made\n");
      return 1;
    }
    return 0;
  } finally {
    next?.discard();
    signals.remove();
    await lock?.release();
  }
}

/** How long a stopping run may take to save state once no step is running, before it exits anyway. */
const GRACE_MS = 3000;

interface Interrupt {
  readonly interrupted: boolean;
  /** Follows which steps are running, from the pass's events. */
  seen(e: EngineEvent): void;
  remove(): void;
}

/**
 * Ctrl-C (or SIGTERM) once: stop scheduling, let running steps finish, save
 * state, release the lock, exit 1. When no step is running (or none is left),
 * the run gets GRACE_MS to finish, then releases the lock and exits: a program
 * that waits forever, or a supervisor that sends TERM and later KILL, must not
 * leave the lock behind. Twice: release the lock and leave at once (the next
 * run reconciles whatever was pending).
 */
function onInterrupt(lock: StackLock | undefined): Interrupt {
  const running = new Set<string>();
  let grace: NodeJS.Timeout | undefined;
  const stop = (why: string): never => {
    lock?.releaseSync();
    process.stderr.write(`${why}; the lock is released\n`);
    process.exit(1);
  };
  const stopWhenIdle = (signal: string): void => {
    if (running.size > 0 || grace) return;
    grace = setTimeout(() => stop(`${signal}: no step is running and the run did not finish within ${GRACE_MS / 1000}s: stopped`), GRACE_MS);
  };
  let signalled: string | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (signalled) stop(`\n${signal} again: stopped without waiting; the next run will reconcile pending steps`);
    signalled = signal;
    process.stderr.write(`\n${signal}: finishing running steps and saving state (press Ctrl-C again to stop at once)\n`);
    cancelRunningPass();
    stopWhenIdle(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    get interrupted() {
      return signalled !== undefined;
    },
    seen(e) {
      if (e.type !== "step") return;
      const key = `${e.op} ${e.urn}`;
      if (e.phase === "start") running.add(key);
      else if (e.phase === "done" || e.phase === "failed") running.delete(key);
      if (signalled) stopWhenIdle(signalled);
    },
    remove() {
      clearTimeout(grace);
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
