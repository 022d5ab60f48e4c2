/**
 * Reconciles operations an interrupted run left pending: each is read back
 * from the real world and adopted or dropped, or the user is told what to check.
 * A read that fails keeps its operation pending and fails the run, naming the
 * resource; the other operations are still reconciled.
 */
import { revealMap } from "../../sdk/internal.js";
import type { DrydockError } from "./errors.js";
import type { EventSink } from "./events.js";
import { markSecretOutputs, rewrapLike } from "./outputs.js";
import { readFailure } from "./read-failure.js";
import type { Redactor } from "./redact.js";
import type { ProviderRegistry } from "./registry.js";
import type { PendingOperation } from "./state/types.js";
import type { WorkingState } from "./working-state.js";

type Warn = (urn: string, message: string) => void;

/** Returns how many pending operations there were; those that could not be read back are added to `failures`. */
export async function reconcilePending(
  state: WorkingState,
  registry: ProviderRegistry,
  events: EventSink,
  redactor?: Redactor,
  failures: DrydockError[] = [],
): Promise<number> {
  const count = state.pending.size;
  const warn: Warn = (urn, message) => events({ type: "diag", severity: "warning", urn, message });
  for (const [key, p] of [...state.pending]) {
    try {
      await reconcileOne(state, registry, p, warn);
      state.pending.delete(key);
    } catch (e) {
      failures.push(readFailure(p.urn, `reading back an interrupted ${p.op}`, e, redactor, "it stays pending for the next run"));
    }
  }
  return count;
}

async function reconcileOne(state: WorkingState, registry: ProviderRegistry, p: PendingOperation, warn: Warn): Promise<void> {
  const provider = registry.get(p.type);
  const ctx = { signal: new AbortController().signal, urn: p.urn, log: () => {} };
  const inputs = revealMap(p.inputs);
  const canRead = Boolean(provider?.read) && p.id !== undefined;
  const existing = state.current.get(p.urn);
  if (p.op === "create") {
    if (!canRead) {
      warn(p.urn, `an interrupted create may have left a real ${p.type} behind (inputs: ${Object.keys(p.inputs).join(", ")}); check for it and remove it by hand if so; it will be created again`);
      return;
    }
    const back = await provider!.read!(p.id!, {}, inputs, ctx);
    if (!back) {
      warn(p.urn, "an interrupted create left nothing behind; it will be created again");
      return;
    }
    const entry = {
      urn: p.urn, type: p.type, custom: true, id: back.id ?? p.id, parent: p.parent ?? existing?.parent, inputs: p.inputs,
      outputs: markSecretOutputs({ ...inputs, ...(back.props ?? {}) }, p.inputs, p.additionalSecretOutputs, provider),
      // What it depended on when it was created, so a destroy right after still deletes in order.
      dependencies: p.dependencies ?? existing?.dependencies ?? [],
      additionalSecretOutputs: p.additionalSecretOutputs,
    };
    if (existing) state.condemned.push({ ...existing, pendingDelete: true });
    state.current.set(p.urn, entry);
    warn(p.urn, `an interrupted create was found in place (id ${entry.id}) and adopted`);
    return;
  }
  // An update or delete: find the entry it was for (a condemned one, for the delete half of a replacement).
  const condemned = state.condemned.find((c) => c.urn === p.urn && c.id === p.id);
  const target = condemned ?? (existing?.id === p.id ? existing : undefined);
  if (!target) return;
  if (!canRead) {
    warn(p.urn, `an interrupted ${p.op} may have partly happened; it will be planned again from the last known state`);
    return;
  }
  const back = await provider!.read!(p.id!, revealMap(target.outputs), inputs, ctx);
  if (!back) {
    if (condemned) state.condemned.splice(state.condemned.indexOf(condemned), 1);
    else state.current.delete(p.urn);
    warn(p.urn, `an interrupted ${p.op} left the resource gone; it is dropped from state`);
  } else if (!condemned) {
    const newInputs = back.inputs ? rewrapLike(back.inputs, target.inputs) : target.inputs;
    state.current.set(p.urn, {
      ...target,
      inputs: newInputs,
      outputs: markSecretOutputs(
        { ...revealMap(target.outputs), ...(back.props ?? {}) },
        newInputs,
        p.additionalSecretOutputs ?? target.additionalSecretOutputs,
        provider,
      ),
    });
    warn(p.urn, `an interrupted ${p.op} was reconciled by reading the resource back`);
  }
}
