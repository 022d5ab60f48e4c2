/**
 * One pass of a program (preview or update): the program registers resources,
 * each registration is checked, diffed and handed to the executor as soon as
 * its inputs are known, so independent steps run in parallel along the graph.
 * After the program finishes, removed resources are deleted in reverse order.
 */
import type { ResourceOptions } from "../../sdk/index.js";
import {
  containsSecret, secretPathsOf, isResource, propertyEquals, resourceInternals, revealMap,
  resolveDeep, type PropertyMap, type RegisterRequest, type RegisterResponse, type Runtime, type RuntimeSettings,
} from "../../sdk/internal.js";
import { checkFailuresMessage } from "./check-failures.js";
import { decide } from "./decide.js";
import { deleteInOrder } from "./deletes.js";
import { DrydockError, SkippedError, errorMessage, unknownTargets } from "./errors.js";
import type { Executor, StepSpec } from "./executor.js";
import { serializeProps } from "./inputs.js";
import { rewrapLike, settleUnknowns } from "./outputs.js";
import type { Redactor } from "./redact.js";
import type { ResourceState } from "./state/types.js";
import { parseDuration } from "./timeouts.js";
import type { WorkingState } from "./working-state.js";
import type { EventSink } from "./events.js";

type Opts = ResourceOptions & { aliases: string[] };

interface Registration {
  readonly resource: object;
  readonly req: RegisterRequest;
}

export interface DeploymentOptions {
  readonly settings: RuntimeSettings;
  readonly state: WorkingState;
  readonly executor: Executor;
  readonly events: EventSink;
  readonly redactor: Redactor;
  readonly targets?: readonly string[] | undefined;
  readonly targetDependents?: boolean | undefined;
  /** True once a step has failed (the executor records those). */
  readonly stepFailed: () => boolean;
  /** Engine functions a program may call (`invoke`): token → function. */
  readonly invokes?: Readonly<Record<string, (args: Record<string, unknown>) => Promise<unknown>>>;
}

export class Deployment implements Runtime {
  readonly settings: RuntimeSettings;
  private readonly regs = new Map<string, Registration>();
  private readonly claimed = new Map<string, string>();
  private readonly targeted = new Set<string>();
  private readonly tracked = new Set<Promise<unknown>>();
  /** Bad input and program errors: exit 2, nothing more is done. */
  readonly problems: DrydockError[] = [];
  private readonly oldByUrn = new Map<string, ResourceState>();
  /** Registrations waiting for others (dependsOn, inputs' resources, parent) to finish: URN → the URNs awaited. */
  private readonly waiting = new Map<string, readonly string[]>();

  constructor(private readonly o: DeploymentOptions) {
    this.settings = o.settings;
    for (const [urn, r] of o.state.current) this.oldByUrn.set(urn, r);
  }

  get stopped(): boolean {
    return this.problems.length > 0 || this.o.stepFailed();
  }

  track<T>(p: Promise<T>): Promise<T> {
    const watched = p.then(
      () => undefined,
      (e: unknown) => this.programError(e),
    );
    this.tracked.add(watched);
    void watched.finally(() => this.tracked.delete(watched));
    return p;
  }

  /** Waits until the program has nothing left in flight. */
  async drain(): Promise<void> {
    while (this.tracked.size > 0) await Promise.all([...this.tracked]);
  }

  programError(e: unknown): void {
    if (e instanceof SkippedError) return;
    if (e instanceof DrydockError) {
      if (e.kind === "step") return; // recorded by the executor
      if (!this.problems.includes(e)) this.problems.push(e);
      return;
    }
    const frames = e instanceof Error && e.stack ? e.stack.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 3) : [];
    const where = frames.length ? `\n${frames.join("\n")}` : "";
    this.problems.push(new DrydockError("program", `the program failed: ${this.o.redactor.redact(errorMessage(e))}${where}`));
  }

  log(severity: "info" | "warning" | "error", message: string): void {
    this.o.events({ type: "diag", severity, message: this.o.redactor.redact(message) });
  }

  async invoke(token: string, args: Record<string, unknown>): Promise<unknown> {
    const f = this.o.invokes?.[token];
    if (!f) throw new DrydockError("program", `no engine function "${token}"`);
    try {
      return await f(args);
    } catch (e) {
      throw new DrydockError("input", this.o.redactor.redact(errorMessage(e)));
    }
  }

  registerResource(resource: object, urn: string, req: RegisterRequest): Promise<RegisterResponse> {
    const prior = this.regs.get(urn);
    if (prior) {
      this.problems.push(
        new DrydockError("input", `duplicate resource URN ${urn}:\n  declared at ${prior.req.site}\n  and again at ${req.site}`, { urn }),
      );
      return Promise.reject(new SkippedError(`duplicate ${urn}`));
    }
    const reg: Registration = { resource, req };
    this.regs.set(urn, reg);
    const p = this.process(urn, reg).catch((e: unknown) => {
      this.programError(e);
      throw new SkippedError(`${urn}: ${errorMessage(e)}`);
    });
    this.track(p);
    return p;
  }

  registerOutputs(resource: object, outputs: unknown): void {
    if (!isResource(resource)) return;
    const urn = resourceInternals(resource).urn;
    this.track(
      (async () => {
        await resourceInternals(resource).registered;
        const { props } = await serializeProps({ outputs }, urn);
        const st = this.o.state.current.get(urn);
        let value = (props.outputs ?? {}) as PropertyMap;
        if (!this.o.executor.dryRun) {
          const settled = settleUnknowns(value, st?.outputs ?? {});
          value = settled.outputs;
          if (settled.kept.length) {
            this.log("warning", `${urn}: outputs ${settled.kept.join(", ")} depend on resources that were not targeted; they keep their last values`);
          }
        }
        if (!propertyEquals(st?.outputs ?? {}, value)) this.o.executor.stateChanged = true;
        if (this.o.executor.dryRun || !st) return;
        this.o.state.current.set(urn, { ...st, outputs: value });
        await this.o.state.flush();
      })(),
    );
  }

  private async dependencies(urn: string, reg: Registration, fromInputs: Set<object>): Promise<string[]> {
    const opts = reg.req.opts as unknown as Opts;
    const deps = new Set(fromInputs);
    if (opts.dependsOn !== undefined) {
      const d = await resolveDeep(opts.dependsOn);
      for (const r of d.resources) deps.add(r);
      addListed(urn, "dependsOn", d.value, deps);
    }
    // updatesAfter: awaited when the resource exists already (its step is an update, a replace or
    // nothing); a creation does not wait. Either way they are its dependencies, for delete order.
    const later = new Set<object>();
    if (opts.updatesAfter !== undefined) {
      const exists = [urn, ...opts.aliases].some((u) => this.oldByUrn.has(u));
      addListed(urn, "updatesAfter", opts.updatesAfter, exists ? deps : later);
    }
    // Depending on a component means depending on everything inside it,
    // except for a resource inside that component (it would wait on itself).
    const ancestors = new Set<object>();
    for (let p = opts.parent; p; p = resourceInternals(p).parent) ancestors.add(p);
    const expand = (into: Set<object>, r: object): void => {
      if (!isResource(r) || ancestors.has(r)) return;
      for (const c of resourceInternals(r).children) {
        if (!into.has(c)) {
          into.add(c);
          expand(into, c);
        }
      }
    };
    for (const set of [deps, later]) {
      for (const r of [...set]) expand(set, r);
      set.delete(reg.resource);
    }
    const parent = opts.parent;
    const awaited = [...deps, ...(parent ? [parent] : [])].filter(isResource);
    this.waitFor(urn, awaited.map((r) => resourceInternals(r).urn));
    try {
      await Promise.all(awaited.map((r) => resourceInternals(r).registered));
    } catch {
      throw new SkippedError(`${urn}: not processed because a resource it depends on failed`);
    } finally {
      this.waiting.delete(urn);
    }
    return [...new Set([...deps, ...later].filter(isResource).map((r) => resourceInternals(r).urn))].sort();
  }

  /**
   * Records that `urn` waits for `urns`. A resource that waits, through others
   * that wait too, for itself would wait forever: that cycle is an error naming
   * its resources in order.
   */
  private waitFor(urn: string, urns: readonly string[]): void {
    const path = (from: string, seen: Set<string>): string[] | undefined => {
      if (from === urn) return [from];
      if (seen.has(from)) return undefined;
      seen.add(from);
      for (const next of this.waiting.get(from) ?? []) {
        const rest = path(next, seen);
        if (rest) return [from, ...rest];
      }
      return undefined;
    };
    const seen = new Set<string>();
    for (const d of urns) {
      const cycle = path(d, seen);
      if (cycle) {
        throw new DrydockError("input", `dependency cycle: these resources wait for each other (dependsOn, inputs or parent), so none can start:\n  ${[urn, ...cycle].join("\n  → ")}`, { urn });
      }
    }
    this.waiting.set(urn, urns);
  }

  private findOld(urn: string, aliases: readonly string[]): ResourceState | undefined {
    for (const candidate of [urn, ...aliases]) {
      const old = this.oldByUrn.get(candidate);
      if (!old) continue;
      const by = this.claimed.get(candidate);
      if (by !== undefined && by !== urn) {
        throw new DrydockError("input", `${urn} and ${by} both claim the old resource ${candidate} (as URN or alias)`, { urn });
      }
      this.claimed.set(candidate, urn);
      return old;
    }
    return undefined;
  }

  private async process(urn: string, reg: Registration): Promise<RegisterResponse> {
    const { req } = reg;
    const opts = req.opts as unknown as Opts;
    const { props, deps } = await serializeProps(req.props, `${req.type} "${req.name}"`);
    this.o.redactor.addTree(props);
    const dependencies = await this.dependencies(urn, reg, deps);
    if (this.stopped && !this.o.executor.dryRun) throw new SkippedError(`${urn}: not started because the run is stopping`);
    const old = this.findOld(urn, opts.aliases);
    const renamedFrom = old && old.urn !== urn ? old.urn : undefined;
    const targeted = this.isTargeted(urn, dependencies);
    const parent = opts.parent ? resourceInternals(opts.parent).urn : undefined;
    const timeouts = {
      create: opts.customTimeouts?.create ? parseDuration(opts.customTimeouts.create, `${urn} customTimeouts.create`) : undefined,
      update: opts.customTimeouts?.update ? parseDuration(opts.customTimeouts.update, `${urn} customTimeouts.update`) : undefined,
      delete: opts.customTimeouts?.delete ? parseDuration(opts.customTimeouts.delete, `${urn} customTimeouts.delete`) : undefined,
    };
    const base = {
      urn, type: req.type, name: req.name, parent, dependencies, timeouts,
      protect: opts.protect ?? false,
      retainOnDelete: opts.retainOnDelete ?? false,
      additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? [])],
    };

    if (!req.custom) {
      const spec: StepSpec = { ...base, inputs: {}, diffs: [], replaces: [], stables: [] };
      const st = old
        ? await this.o.executor.same(spec, old, renamedFrom)
        : await this.createComponent(spec);
      return { urn, outputs: st.outputs };
    }

    const provider = this.o.executor.provider(req.type, urn);
    const secretInputs = Object.keys(props).filter((k) => containsSecret(props[k]!));
    const checked = provider.check
      ? await this.providerCall(urn, "check", () => provider.check!(old ? revealMap(old.inputs) : undefined, revealMap(props), { urn, dryRun: this.o.executor.dryRun, secretInputs, secretPaths: secretPathsOf(props) }))
      : { inputs: revealMap(props) };
    if (checked.failures?.length) {
      throw new DrydockError("input", this.o.redactor.redact(checkFailuresMessage(req.type, req.name, checked.failures, props)), { urn });
    }
    const news = rewrapLike(checked.inputs ?? revealMap(props), props);

    if (!targeted) {
      if (old) return { urn, id: old.id, outputs: old.outputs };
      this.o.events({ type: "diag", severity: "info", urn, message: "not created: not targeted" });
      return { urn, outputs: {}, partial: true };
    }

    const d = await this.providerCall(urn, "diff", () => decide(provider, old, news, opts));
    if (d.op === "update" && !provider.update) {
      throw new DrydockError("input", `${urn}: ${d.diffs.map((x) => x.path).join(", ")} changed, but provider ${req.type} cannot update in place (use replaceOnChanges)`, { urn });
    }
    const spec: StepSpec = { ...base, inputs: d.inputs, diffs: d.diffs, replaces: d.replaces, stables: d.stables, note: d.note, ignoreChanges: opts.ignoreChanges ?? [] };
    let st: ResourceState;
    if (!old) st = await this.o.executor.create(spec);
    else if (d.op === "same") st = await this.o.executor.same(spec, old, renamedFrom);
    else if (d.op === "update") st = await this.o.executor.update(spec, old, renamedFrom);
    // Whether it may be replaced is what the program says now (protect may have just been lifted).
    else st = await this.o.executor.replace(spec, { ...old, protect: spec.protect || undefined }, d.deleteBeforeReplace, renamedFrom);
    return { urn, id: st.id, outputs: st.outputs, partial: this.o.executor.dryRun && d.op !== "same" };
  }

  /** A provider's check or diff: a failure names the resource and the step. */
  private async providerCall<T>(urn: string, step: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof DrydockError || e instanceof SkippedError) throw e;
      throw new DrydockError("failed", this.o.redactor.redact(`${urn}: ${step} failed: ${errorMessage(e)}`), { urn, step }, { cause: e });
    }
  }

  private async createComponent(spec: StepSpec): Promise<ResourceState> {
    const st: ResourceState = {
      urn: spec.urn, type: spec.type, custom: false, parent: spec.parent, inputs: {}, outputs: {},
      dependencies: spec.dependencies, protect: spec.protect || undefined, retainOnDelete: spec.retainOnDelete || undefined,
    };
    this.o.executor.emit(this.o.executor.dryRun ? "plan" : "done", "create", spec.urn, spec.type);
    if (!this.o.executor.dryRun) {
      this.o.state.current.set(spec.urn, st);
      await this.o.state.flush();
    }
    return st;
  }

  private isTargeted(urn: string, dependencies: readonly string[]): boolean {
    const { targets, targetDependents } = this.o;
    if (!targets || targets.length === 0) return true;
    const yes = targets.includes(urn) || (Boolean(targetDependents) && dependencies.some((d) => this.targeted.has(d)));
    if (yes) this.targeted.add(urn);
    return yes;
  }

  /** --target URNs that name neither a resource of the program nor one in state. */
  checkTargets(): void {
    const missing = (this.o.targets ?? []).filter((t) => !this.regs.has(t) && !this.oldByUrn.has(t));
    if (missing.length) this.problems.push(unknownTargets(missing));
  }

  /** After the program: everything old that was not registered again goes, in reverse dependency order. */
  async deleteRemoved(): Promise<void> {
    const { targets } = this.o;
    const claimed = new Set(this.claimed.keys());
    const removed = [...this.oldByUrn.values()].filter(
      (r) => !claimed.has(r.urn) && (!targets?.length || targets.includes(r.urn)),
    );
    const doomed = [...removed, ...this.o.state.condemned];
    if (doomed.length === 0) return;
    try {
      await deleteInOrder(doomed, (r) => this.o.executor.delete(r, "delete"));
    } catch (e) {
      this.programError(e);
    }
  }
}

/** Adds the resources a dependsOn or updatesAfter value lists (nested lists flattened, holes skipped). */
function addListed(urn: string, option: string, value: unknown, into: Set<object>): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) addListed(urn, option, v, into);
    return;
  }
  if (!isResource(value)) throw new DrydockError("input", `${urn}: ${option} must list resources`, { urn });
  into.add(value);
}
