/**
 * One pass over a stack: load project, state and secrets, reconcile what an
 * interrupted run left pending, then refresh, run the program, or destroy.
 * A pass runs in its own worker so a program's modules load fresh each time.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { slots } from "./slots.js";
import { setRuntime } from "../../sdk/internal.js";
import { builtinInvokes, builtinProviders } from "../providers/index.js";
import { StackCrypter, type DerivedKey } from "./crypter-source.js";
import { takeDerived, type SharedKey } from "./key-share.js";
import { configValues, redactConfigSecrets } from "./config-values.js";
import { Deployment } from "./deployment.js";
import { destroyAll } from "./destroy.js";
import { diffProperties, displayMap, sameSecretness } from "./diff.js";
import { DrydockError, SkippedError, errorMessage, type ErrorKind } from "./errors.js";
import { emptyCounts, type EngineEvent, type EventSink, type StepOp } from "./events.js";
import { Executor } from "./executor.js";
import { serializeProps } from "./inputs.js";
import { settleUnknowns } from "./outputs.js";
import { loadProject, loadStackSettings, type Project } from "./project.js";
import { Redactor } from "./redact.js";
import { reconcilePending } from "./reconcile.js";
import { refreshAll } from "./refresh.js";
import { ProviderRegistry } from "./registry.js";
import { FileBackend, backendRoot } from "./state/backend.js";
import { CheckpointCodec } from "./state/codec.js";
import { sameCheckpoint } from "./state/history.js";
import { WorkingState } from "./working-state.js";

export interface PassRequest {
  readonly kind: "update" | "refresh" | "destroy";
  /** The command, for messages: preview, up, refresh, destroy. */
  readonly operation: string;
  readonly dryRun: boolean;
  readonly projectDir: string;
  readonly stack: string;
  readonly passphrase?: string | undefined;
  /** The stack key an earlier pass of this command derived, so scrypt runs once. */
  readonly key?: DerivedKey | undefined;
  /** The stack key the command is deriving meanwhile (used when `key` is not given). */
  readonly sharedKey?: SharedKey | undefined;
  readonly parallel: number;
  readonly targets?: readonly string[] | undefined;
  readonly targetDependents?: boolean | undefined;
  /** Refresh before running the program. */
  readonly refresh?: boolean | undefined;
}

let cancelled = false;

/** Stops scheduling new steps; running ones finish and state is written (Ctrl-C). */
export function requestCancel(): void {
  cancelled = true;
}

export interface PassResult {
  readonly counts: Record<StepOp, number>;
  readonly changes: boolean;
  /** True if state would change even without resource changes (renames, options, outputs, pending work). */
  readonly stateChanged: boolean;
  readonly errors: readonly { readonly kind: ErrorKind; readonly message: string }[];
  /** The stack key this pass derived or used, for the command's next pass. */
  readonly key?: DerivedKey | undefined;
}

async function registryFor(project: Project): Promise<ProviderRegistry> {
  const registry = new ProviderRegistry();
  for (const [type, p] of Object.entries(builtinProviders())) registry.register(type, p);
  for (const [pkg, path] of Object.entries(project.providers)) await registry.load(pkg, path, project.dir);
  return registry;
}

/** Program exports become stack outputs; a default-exported function's result is merged in. */
async function stackOutputs(ns: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // Exported functions and classes are code, not data.
  for (const [k, v] of Object.entries(ns)) if (k !== "default" && typeof v !== "function") out[k] = v;
  if (typeof ns.default === "function") {
    const r = (await (ns.default as () => unknown)()) as unknown;
    if (r && typeof r === "object") Object.assign(out, r);
  }
  return out;
}

export async function runPass(req: PassRequest, sink: EventSink): Promise<PassResult> {
  const counts = emptyCounts();
  const started = performance.now();
  const errors: DrydockError[] = [];
  let stateChanged = false;
  let derived: () => DerivedKey | undefined = () => req.key;
  const events: EventSink = (e: EngineEvent) => {
    if (e.type === "step" && !e.original && e.phase === (req.dryRun ? "plan" : "done")) counts[e.op]++;
    sink(e);
  };
  try {
    const project = await loadProject(req.projectDir);
    events({ type: "prelude", operation: req.operation, stack: req.stack, project: project.name, dryRun: req.dryRun });
    const backend = new FileBackend(backendRoot(project.dir), project.name);
    const settings = await loadStackSettings(project, req.stack);
    const shared = req.sharedKey;
    const crypter = new StackCrypter(project, req.stack, settings, req.passphrase, req.key ?? (shared ? () => takeDerived(shared) : undefined));
    derived = () => crypter.derived();
    const codec = new CheckpointCodec(crypter.get);
    const startText = await backend.readText(req.stack);
    const checkpoint = backend.decode(req.stack, startText, codec);
    const registry = await registryFor(project);
    const redactor = new Redactor();
    if (req.passphrase) redactor.add(req.passphrase);
    for (const r of checkpoint.resources) {
      redactor.addTree(r.inputs);
      redactor.addTree(r.outputs);
    }
    const write = backend.passWriter(req.stack, req.operation, startText);
    const persist = req.dryRun
      ? undefined
      : async (cp: Parameters<FileBackend["save"]>[0]) => {
          try {
            const text = codec.encode(cp);
            await crypter.saveIfCreated();
            await write(text, () => !sameCheckpoint(cp, checkpoint));
          } catch (e) {
            if (e instanceof DrydockError) throw e;
            throw new DrydockError("failed", `saving the state of stack "${req.stack}" failed: ${errorMessage(e)}`, {}, { cause: e });
          }
        };
    const state = new WorkingState(checkpoint, persist);
    const limit = slots(req.parallel);
    let deployment: Deployment | undefined;
    const executor = new Executor({
      dryRun: req.dryRun, state, registry, events, redactor, limit,
      onFailure: (e) => errors.push(e),
      stopped: () => cancelled || errors.length > 0 || (deployment?.problems.length ?? 0) > 0,
    });

    if ((await reconcilePending(state, registry, events, redactor, errors)) > 0) stateChanged = true;
    if (req.refresh || req.kind === "refresh") errors.push(...(await refreshAll(state, registry, events, redactor, limit, req.dryRun, req.kind === "refresh")));

    if (req.kind === "destroy" && errors.length === 0) {
      try {
        await destroyAll(state, executor, req.targets, req.targetDependents ?? false);
      } catch (e) {
        if (!(e instanceof SkippedError)) throw e;
      }
    } else if (req.kind === "update" && errors.length === 0) {
      const config = configValues(settings, crypter);
      redactConfigSecrets(redactor, config);
      deployment = new Deployment({
        settings: { project: project.name, stack: req.stack, config, dryRun: req.dryRun },
        state, executor, events, redactor, targets: req.targets, targetDependents: req.targetDependents,
        stepFailed: () => cancelled || errors.length > 0,
        invokes: builtinInvokes(project.dir),
      });
      if (await runProgram(project, deployment, state, events, req.dryRun)) stateChanged = true;
      errors.push(...deployment.problems);
    }
    if (executor.stateChanged) stateChanged = true;
    if (cancelled) {
      errors.push(new DrydockError("failed", "cancelled: running steps were allowed to finish, nothing new was started, and state was saved"));
    }
    if (!req.dryRun) await state.flush();
  } catch (e) {
    errors.push(e instanceof DrydockError ? e : new DrydockError("failed", errorMessage(e), {}, { cause: e }));
  } finally {
    setRuntime(undefined);
  }
  const unique = [...new Set(errors)];
  const changes = (["create", "update", "replace", "delete"] as const).some((op) => counts[op] > 0);
  events({
    type: "summary", operation: req.operation, dryRun: req.dryRun, counts, changes,
    result: unique.length ? "failed" : "succeeded", durationMs: Math.round(performance.now() - started),
  });
  return { counts, changes, stateChanged: stateChanged || changes, errors: unique.map((e) => ({ kind: e.kind, message: e.message })), key: derived() };
}

async function runProgram(
  project: Project,
  deployment: Deployment,
  state: WorkingState,
  events: EventSink,
  dryRun: boolean,
): Promise<boolean> {
  if (!existsSync(project.mainPath)) {
    throw new DrydockError("input", `${project.dir}/drydock.yaml: main "${project.main}" does not exist (${project.mainPath})`);
  }
  setRuntime(deployment);
  let ns: Record<string, unknown> = {};
  try {
    ns = (await import(pathToFileURL(project.mainPath).href)) as Record<string, unknown>;
  } catch (e) {
    deployment.programError(e);
  }
  let outputs: Awaited<ReturnType<typeof serializeProps>> | undefined;
  try {
    outputs = await deployment.track(serializeProps(await deployment.track(stackOutputs(ns)), "stack outputs"));
  } catch {
    // recorded by track
  }
  await deployment.drain();
  deployment.checkTargets();
  if (deployment.stopped || !outputs) return false;
  await deployment.deleteRemoved();
  if (deployment.stopped) return false;
  let props = outputs.props;
  if (!dryRun) {
    const settled = settleUnknowns(props, state.base.outputs);
    props = settled.outputs;
    for (const k of settled.kept) {
      events({ type: "diag", severity: "warning", message: `stack output "${k}" depends on a resource that was not targeted; it keeps its last value` });
    }
  }
  const diffs = diffProperties(state.base.outputs, props);
  events({ type: "outputs", outputs: displayMap(props), diffs });
  if (!dryRun) state.outputs = props;
  return diffs.length > 0 || !sameSecretness(state.base.outputs, props);
}
