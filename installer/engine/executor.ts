/**
 * The one gate every change goes through. In a preview it describes the step;
 * in an update it records the operation as pending, calls the provider under
 * the concurrency limit and timeout, and checkpoints the result.
 */
import type { Slots } from "./slots.js";
import { PartialResultError, type ProviderContext, type ResourceProvider } from "../../sdk/index.js";
import { containsUnknown, propertyEquals, revealMap, unknown, urnName, type PropertyMap } from "../../sdk/internal.js";
import { DrydockError, SkippedError } from "./errors.js";
import type { EventSink, PropertyDiff, StepOp } from "./events.js";
import { sameSecretness } from "./diff.js";
import { markSecretOutputs } from "./outputs.js";
import { callWithDeadline, failureMessage, settled } from "./provider-call.js";
import type { Redactor } from "./redact.js";
import type { ProviderRegistry } from "./registry.js";
import type { PendingOperation, ResourceState } from "./state/types.js";
import { cancelGraceMs } from "./timeouts.js";
import type { WorkingState } from "./working-state.js";

export interface StepSpec {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | undefined;
  readonly dependencies: readonly string[];
  readonly inputs: PropertyMap;
  readonly diffs: readonly PropertyDiff[];
  readonly replaces: readonly string[];
  readonly stables: readonly string[];
  /** The provider's note from its diff, shown on the step. */
  readonly note?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly timeouts: { readonly create?: number; readonly update?: number; readonly delete?: number };
  /** The resource's ignoreChanges paths, passed to its provider's update. */
  readonly ignoreChanges?: readonly string[];
}

/** What a step records from its provider call, also when the step fails. */
interface Recorder<T> {
  /** What the provider returned (also after the deadline: the thing exists). */
  readonly result: (value: T) => unknown;
  /** What a provider that failed part-way says now exists. */
  readonly partial?: (e: PartialResultError) => unknown;
}

export interface ExecutorOptions {
  readonly dryRun: boolean;
  readonly state: WorkingState;
  readonly registry: ProviderRegistry;
  readonly events: EventSink;
  readonly redactor: Redactor;
  readonly limit: Slots;
  /** Records a failed step; the first one stops the run from scheduling more. */
  readonly onFailure: (e: DrydockError) => void;
  readonly stopped: () => boolean;
  /** How long a call may take to stop after its deadline, read and checked up front. @default 30 s, or DRYDOCK_CANCEL_GRACE */
  readonly graceMs?: number;
}

export class Executor {
  /** Set when a "same" step would still change what state records (a rename, options, inputs). */
  stateChanged = false;
  /** URNs being replaced in this run. */
  private readonly replacing = new Set<string>();

  private readonly graceMs: number;

  constructor(private readonly o: ExecutorOptions) {
    this.graceMs = o.graceMs ?? cancelGraceMs();
  }

  get dryRun(): boolean {
    return this.o.dryRun;
  }

  provider(type: string, urn: string): ResourceProvider {
    const p = this.o.registry.get(type);
    if (!p) throw new DrydockError("input", `${urn}: no provider for resource type "${type}"`, { urn });
    return p;
  }

  emit(phase: "plan" | "start" | "done" | "failed", op: StepOp, urn: string, type: string, extra: Record<string, unknown> = {}): void {
    this.o.events({ type: "step", phase, op, urn, resourceType: type, name: urnName(urn), ...extra } as never);
  }

  /**
   * Runs a provider call for a step (pending record, limit, deadline, events)
   * and records what the provider really did, even when the step fails: a
   * result that came after the deadline, a partial result, or (for a call
   * still running after its grace period) the pending record, so the next run
   * reconciles it.
   */
  /** Whether the provider says this step will then wait long (it goes first). */
  private startsEarly(type: string, pending: PendingOperation | undefined): boolean {
    const p = this.o.registry.get(type);
    try {
      return Boolean(pending && p?.startsEarly?.(revealMap(pending.inputs)));
    } catch {
      return false;
    }
  }

  /** One more step may run while `p` (a provider only waiting) settles: its slot is lent. */
  private async lend<T>(p: Promise<T>): Promise<T> {
    this.o.limit.concurrency += 1;
    try {
      return await p;
    } finally {
      this.o.limit.concurrency -= 1;
    }
  }

  private async run<T>(
    op: StepOp,
    urn: string,
    type: string,
    extra: Record<string, unknown>,
    timeoutMs: number | undefined,
    pending: PendingOperation | undefined,
    call: (ctx: ProviderContext) => Promise<T>,
    record: Recorder<T>,
  ): Promise<T> {
    const early = (op === "create" || op === "update") && this.startsEarly(type, pending);
    const r = await (early ? this.o.limit.early : this.o.limit)(async (): Promise<{ value?: T; failure?: DrydockError; message?: string; durationMs: number }> => {
      if (this.o.stopped()) throw new SkippedError(`${urn}: not started because an earlier step failed`);
      const started = performance.now();
      this.emit("start", op, urn, type, extra);
      const key = pending ? `${pending.op}:${pending.urn}` : undefined;
      if (pending) {
        this.o.state.pending.set(key!, pending);
        await this.o.state.flush();
      }
      const o = await callWithDeadline({ urn, op, timeoutMs, graceMs: this.graceMs }, (signal) =>
        call({ signal, urn, log: (message) => this.o.events({ type: "progress", urn, message: this.o.redactor.redact(message) }), idle: (p) => this.lend(p) }),
      );
      const partial = o.thrown?.error instanceof PartialResultError && record.partial ? o.thrown.error : undefined;
      if (o.returned) record.result(o.returned.value);
      else if (partial) record.partial!(partial);
      // A provider that returned or threw has finished, its cleanup included.
      if (key && settled(o)) this.o.state.pending.delete(key);
      const durationMs = Math.round(performance.now() - started);
      if (o.returned && !o.timedOut) return { value: o.returned.value, durationMs };
      const recorded = o.returned ? "its result is recorded in state"
        : partial ? "what it made is recorded in state, and the next run finishes it" : undefined;
      const message = this.o.redactor.redact(`${op} failed: ${failureMessage(o, recorded)}`);
      const failure = new DrydockError("step", `${urn}: ${message}`, { urn, step: op }, { cause: o.thrown?.error ?? o.timedOut?.error });
      // Before the slot is free: no step waiting for it starts after a failure.
      this.o.onFailure(failure);
      return { failure, message, durationMs };
    });
    // Written outside the concurrency slot, so the next step starts meanwhile and the writes of steps that end together coalesce.
    await this.o.state.flush();
    if (!r.failure) {
      this.emit("done", op, urn, type, { ...extra, durationMs: r.durationMs });
      return r.value as T;
    }
    this.emit("failed", op, urn, type, { ...extra, error: r.message, durationMs: r.durationMs });
    throw new SkippedError(r.failure.message);
  }

  private describe(op: StepOp, spec: StepSpec): void {
    this.emit("plan", op, spec.urn, spec.type, { diffs: spec.diffs, replaces: spec.replaces, note: spec.note });
  }

  private guardKnown(spec: StepSpec): void {
    if (containsUnknown(spec.inputs)) {
      const err = new DrydockError(
        "step",
        `${spec.urn}: some inputs are unknown because they come from a resource that is not targeted; add it with --target`,
        { urn: spec.urn },
      );
      this.o.onFailure(err);
      throw new SkippedError(err.message);
    }
  }

  private stateOf(spec: StepSpec, id: string | undefined, outs: Record<string, unknown>, initError?: string): ResourceState {
    return {
      urn: spec.urn,
      type: spec.type,
      custom: true,
      id,
      parent: spec.parent,
      inputs: spec.inputs,
      outputs: markSecretOutputs({ ...revealMap(spec.inputs), ...outs }, spec.inputs, spec.additionalSecretOutputs, this.o.registry.get(spec.type)),
      dependencies: spec.dependencies,
      protect: spec.protect || undefined,
      retainOnDelete: spec.retainOnDelete || undefined,
      additionalSecretOutputs: nonEmpty(spec.additionalSecretOutputs),
      deleteTimeout: spec.timeouts.delete,
      initErrors: initError === undefined ? undefined : [this.o.redactor.redact(initError)],
    };
  }

  /** Planned outputs in a preview: inputs, and unknown for everything computed. */
  private planned(spec: StepSpec, old: ResourceState | undefined): ResourceState {
    const outputs: PropertyMap = { ...spec.inputs };
    for (const k of Object.keys(old?.outputs ?? {})) {
      const kept = old!.outputs[k]!;
      if (k in outputs) {
        // An unchanged input most likely gives the same output (a provider may normalise it, e.g. a path);
        // one that just became secret is shown as the new, secret input, never as the old plaintext.
        if (propertyEquals(old!.inputs[k], spec.inputs[k]) && sameSecretness({ k: old!.inputs[k]! }, { k: spec.inputs[k]! })) outputs[k] = kept;
      } else {
        outputs[k] = spec.stables.includes(k) ? kept : unknown;
      }
    }
    const p = this.o.registry.get(spec.type);
    if (p?.plannedOutputs && !containsUnknown(spec.inputs)) {
      const known = p.plannedOutputs(revealMap(spec.inputs)) as Record<string, unknown>;
      const marked = markSecretOutputs(known, spec.inputs, spec.additionalSecretOutputs, p);
      for (const [k, v] of Object.entries(marked)) if (outputs[k] === undefined || containsUnknown(outputs[k]!)) outputs[k] = v;
    }
    return { ...this.stateOf(spec, old?.id, {}), outputs };
  }

  async create(spec: StepSpec, op: StepOp = "create", replacing?: ResourceState): Promise<ResourceState> {
    if (this.dryRun) {
      if (op === "create") this.describe(op, spec);
      return this.planned(spec, undefined);
    }
    this.guardKnown(spec);
    const provider = this.provider(spec.type, spec.urn);
    const inputs = revealMap(spec.inputs);
    const pending: PendingOperation = {
      op: "create", urn: spec.urn, type: spec.type, id: provider.idFor?.(inputs), inputs: spec.inputs,
      additionalSecretOutputs: nonEmpty(spec.additionalSecretOutputs), parent: spec.parent, dependencies: spec.dependencies,
    };
    // The replaced original is condemned once its replacement exists, even part-way.
    const made = (id: string | undefined, outs: Record<string, unknown>, initError?: string): ResourceState => {
      const st = this.stateOf(spec, id, outs, initError);
      if (replacing) this.o.state.condemned.push({ ...replacing, pendingDelete: true });
      this.o.state.current.set(spec.urn, st);
      return st;
    };
    let st: ResourceState | undefined;
    await this.run(op, spec.urn, spec.type, { diffs: spec.diffs, replaces: spec.replaces, note: spec.note }, spec.timeouts.create, pending,
      (ctx) => provider.create(inputs, ctx),
      { result: (r) => (st = made(r.id, r.outs ?? {})), partial: (e) => made(e.id ?? pending.id, e.outs, e.message) },
    );
    return st!;
  }

  async update(spec: StepSpec, old: ResourceState, renamedFrom?: string): Promise<ResourceState> {
    if (this.dryRun) {
      this.describe("update", spec);
      return this.planned(spec, old);
    }
    this.guardKnown(spec);
    const provider = this.provider(spec.type, spec.urn);
    if (!provider.update) throw new DrydockError("failed", `provider for ${spec.type} cannot update in place`, { urn: spec.urn });
    const news = revealMap(spec.inputs);
    const pending: PendingOperation = {
      op: "update", urn: spec.urn, type: spec.type, id: old.id, inputs: spec.inputs,
      additionalSecretOutputs: nonEmpty(spec.additionalSecretOutputs),
    };
    const updated = (outs: Record<string, unknown>, initError?: string): ResourceState => {
      const st = this.stateOf(spec, old.id, { ...revealMap(old.outputs), ...outs }, initError);
      if (renamedFrom) this.o.state.current.delete(renamedFrom);
      this.o.state.current.set(spec.urn, st);
      return st;
    };
    let st: ResourceState | undefined;
    await this.run("update", spec.urn, spec.type, { diffs: spec.diffs, note: spec.note }, spec.timeouts.update, pending,
      (ctx) => provider.update!(old.id ?? "", revealMap(old.outputs), news, { ...ctx, ignoreChanges: spec.ignoreChanges ?? [] }, revealMap(old.inputs)),
      { result: (r) => (st = updated(r.outs ?? {})), partial: (e) => updated(e.outs, e.message) },
    );
    return st!;
  }

  async replace(spec: StepSpec, old: ResourceState, deleteFirst: boolean, renamedFrom?: string): Promise<ResourceState> {
    if (old.protect) this.refuseProtected(old, "replace");
    if (this.dryRun) {
      this.emit("plan", "replace", spec.urn, spec.type, { diffs: spec.diffs, replaces: spec.replaces, note: joinNotes(spec.note, deleteFirst ? "delete before replace" : undefined) });
      return this.planned(spec, undefined);
    }
    if (renamedFrom) this.o.state.current.delete(renamedFrom);
    this.replacing.add(spec.urn);
    // The entry being replaced, as the program now names it.
    const entry: ResourceState = { ...old, urn: spec.urn };
    this.o.state.current.set(spec.urn, entry);
    if (deleteFirst) {
      await this.delete(entry);
      return this.create(spec, "replace");
    }
    return this.create(spec, "replace", entry);
  }

  /** Same: nothing to do, but the state entry may move (alias) or change metadata. */
  async same(spec: StepSpec, old: ResourceState, renamedFrom?: string): Promise<ResourceState> {
    const inputs = containsUnknown(spec.inputs) ? old.inputs : spec.inputs;
    // A value that became secret (or an output newly listed as secret) is re-marked, so it is encrypted from now on.
    const resecret = !sameSecretness(old.inputs, inputs) || !sameList(old.additionalSecretOutputs, spec.additionalSecretOutputs);
    const st: ResourceState = {
      ...old,
      urn: spec.urn,
      parent: spec.parent,
      dependencies: spec.dependencies,
      inputs,
      outputs: resecret && old.custom
        ? markSecretOutputs(revealMap(old.outputs), inputs, spec.additionalSecretOutputs, this.o.registry.get(spec.type))
        : old.outputs,
      protect: spec.protect || undefined,
      retainOnDelete: spec.retainOnDelete || undefined,
      additionalSecretOutputs: nonEmpty(spec.additionalSecretOutputs),
      deleteTimeout: spec.timeouts.delete,
    };
    this.emit(this.dryRun ? "plan" : "done", "same", spec.urn, spec.type, { note: joinNotes(spec.note, renamedFrom ? `renamed from ${renamedFrom}` : undefined) });
    // What must be saved now; new inputs alone are saved with the final checkpoint.
    const recorded = Boolean(renamedFrom) || resecret || metadataChanged(old, st);
    if (recorded || !propertyEquals(old.inputs, st.inputs)) this.stateChanged = true;
    if (this.dryRun) return st;
    if (renamedFrom) this.o.state.current.delete(renamedFrom);
    this.o.state.current.set(spec.urn, st);
    if (recorded) await this.o.state.flush();
    return st;
  }

  /** Reports that a protected resource would be deleted or replaced, and stops the run. */
  private refuseProtected(old: ResourceState, op: StepOp): never {
    const err = new DrydockError(
      "step",
      `${old.urn} is protected: set protect: false on it and run \`drydock up\` first ` +
        "(if it is no longer in the program, add it back with protect: false for one run)",
      { urn: old.urn, step: op },
    );
    this.emit(this.dryRun ? "plan" : "failed", op, old.urn, old.type, { error: err.message });
    this.o.onFailure(err);
    throw new SkippedError(err.message);
  }

  /** Deletes a resource (or drops it from state if retained). */
  async delete(old: ResourceState, op: StepOp = "delete"): Promise<void> {
    // The old half of a replacement (either order) is shown but counted with the replacement.
    const original = old.pendingDelete || (this.o.state.current.get(old.urn) === old && this.replacing.has(old.urn));
    const note = old.retainOnDelete
      ? "retained: left in place, dropped from state"
      : original ? "the replaced original" : undefined;
    if (old.protect) this.refuseProtected(old, op);
    const forget = (): void => {
      const i = this.o.state.condemned.indexOf(old);
      if (old.pendingDelete && i >= 0) this.o.state.condemned.splice(i, 1);
      else if (this.o.state.current.get(old.urn) === old) this.o.state.current.delete(old.urn);
    };
    // Only where an id names the real thing completely (the provider says so) is a shared id the same thing.
    const holder = old.id === undefined || !this.o.registry.get(old.type)?.idIsIdentity ? undefined
      : [...this.o.state.current.values()].find((r) => r !== old && r.type === old.type && r.id === old.id);
    if (!holder && !this.dryRun && old.custom && !old.retainOnDelete) {
      const provider = this.provider(old.type, old.urn);
      const pending: PendingOperation = { op: "delete", urn: old.urn, type: old.type, id: old.id, inputs: old.inputs };
      // The entry goes only once the provider has returned: a failed or unfinished delete keeps it.
      await this.run(op, old.urn, old.type, { note, original }, old.deleteTimeout, pending,
        (ctx) => (provider.delete ? provider.delete(old.id ?? "", revealMap(old.outputs), ctx, revealMap(old.inputs)) : Promise.resolve()),
        { result: forget },
      );
      return;
    }
    if (holder) {
      // e.g. a file renamed without an alias: the new resource wrote the same path; deleting would remove it.
      this.emit(this.dryRun ? "plan" : "done", op, old.urn, old.type, { note: `only dropped from state: ${holder.urn} now holds ${old.id}`, original });
    } else if (this.dryRun) {
      if (op === "delete") this.emit("plan", "delete", old.urn, old.type, { note, original });
    } else {
      this.emit("done", op, old.urn, old.type, { note, original });
    }
    if (this.dryRun) return;
    forget();
    await this.o.state.flush();
  }
}

function metadataChanged(a: ResourceState, b: ResourceState): boolean {
  return (
    a.parent !== b.parent ||
    Boolean(a.protect) !== Boolean(b.protect) ||
    Boolean(a.retainOnDelete) !== Boolean(b.retainOnDelete) ||
    !sameList(a.dependencies, b.dependencies) ||
    a.deleteTimeout !== b.deleteTimeout ||
    !sameList(a.additionalSecretOutputs, b.additionalSecretOutputs)
  );
}

function sameList(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** State leaves out empty lists. */
function nonEmpty(list: readonly string[]): readonly string[] | undefined {
  return list.length ? list : undefined;
}

function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const n = notes.filter((x): x is string => Boolean(x));
  return n.length ? n.join("; ") : undefined;
}
