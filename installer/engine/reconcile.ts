/**
 * Reconciles operations an interrupted run left pending: each is read back
 * from the real world and adopted or dropped, or the user is told what to check.
 */
import { revealMap } from "../../sdk/internal.js";
import type { EventSink } from "./events.js";
import { markSecretOutputs, rewrapLike } from "./outputs.js";
import type { ProviderRegistry } from "./registry.js";
import type { WorkingState } from "./working-state.js";

/** Returns how many pending operations there were. */
export async function reconcilePending(state: WorkingState, registry: ProviderRegistry, events: EventSink): Promise<number> {
  const count = state.pending.size;
  const warn = (urn: string, message: string): void => events({ type: "diag", severity: "warning", urn, message });
  for (const [key, p] of [...state.pending]) {
    state.pending.delete(key);
    const provider = registry.get(p.type);
    const ctx = { signal: new AbortController().signal, urn: p.urn, log: () => {} };
    const inputs = revealMap(p.inputs);
    const canRead = Boolean(provider?.read) && p.id !== undefined;
    const back = canRead ? await provider!.read!(p.id!, {}, inputs, ctx) : undefined;
    const existing = state.current.get(p.urn);
    if (p.op === "create") {
      if (!canRead) {
        warn(p.urn, `an interrupted create may have left a real ${p.type} behind (inputs: ${Object.keys(p.inputs).join(", ")}); check for it and remove it by hand if so; it will be created again`);
      } else if (back) {
        const entry = {
          urn: p.urn, type: p.type, custom: true, id: back.id ?? p.id, parent: existing?.parent, inputs: p.inputs,
          outputs: markSecretOutputs({ ...inputs, ...(back.props ?? {}) }, p.inputs, p.additionalSecretOutputs, provider),
          dependencies: existing?.dependencies ?? [],
          additionalSecretOutputs: p.additionalSecretOutputs,
        };
        if (existing) state.condemned.push({ ...existing, pendingDelete: true });
        state.current.set(p.urn, entry);
        warn(p.urn, `an interrupted create was found in place (id ${entry.id}) and adopted`);
      } else {
        warn(p.urn, "an interrupted create left nothing behind; it will be created again");
      }
    } else {
      // An update or delete: find the entry it was for (a condemned one, for the delete half of a replacement).
      const condemned = state.condemned.find((c) => c.urn === p.urn && c.id === p.id);
      const target = condemned ?? (existing?.id === p.id ? existing : undefined);
      if (!target) continue;
      if (!canRead) {
        warn(p.urn, `an interrupted ${p.op} may have partly happened; it will be planned again from the last known state`);
      } else if (!back) {
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
  }
  return count;
}
