/**
 * Refresh: reads every resource back and adopts drift into state, showing it.
 * Only a read that says "gone" drops an entry; a read that fails keeps it.
 */
import type { Slots } from "./slots.js";
import { revealMap, urnName } from "../../sdk/internal.js";
import { diffProperties } from "./diff.js";
import type { DrydockError } from "./errors.js";
import type { EventSink } from "./events.js";
import { markSecretOutputs, rewrapLike } from "./outputs.js";
import { readFailure } from "./read-failure.js";
import type { Redactor } from "./redact.js";
import type { ProviderRegistry } from "./registry.js";
import type { WorkingState } from "./working-state.js";

export async function refreshAll(
  state: WorkingState,
  registry: ProviderRegistry,
  events: EventSink,
  redactor: Redactor,
  limit: Slots,
  dryRun: boolean,
  /** A refresh of its own shows drift as updates and deletes; as part of preview/up --refresh, as "refresh" steps. */
  standalone: boolean,
): Promise<DrydockError[]> {
  const failures: DrydockError[] = [];
  const phase = dryRun ? "plan" : "done";
  await Promise.all(
    [...state.current.values()].map((r) =>
      limit(async () => {
        const base = { type: "step", phase, urn: r.urn, resourceType: r.type, name: urnName(r.urn) } as const;
        const provider = r.custom ? registry.get(r.type) : undefined;
        if (!provider?.read) {
          if (standalone) events({ ...base, op: "same" });
          return;
        }
        try {
          const ctx = { signal: new AbortController().signal, urn: r.urn, log: () => {} };
          const back = await provider.read(r.id ?? "", revealMap(r.outputs), revealMap(r.inputs), ctx);
          if (!back) {
            state.current.delete(r.urn);
            events({ ...base, op: standalone ? "delete" : "refresh", note: "gone: deleted outside drydock" });
            return;
          }
          const inputs = back.inputs ? rewrapLike(back.inputs, r.inputs) : r.inputs;
          const outputs = markSecretOutputs(
            { ...revealMap(r.outputs), ...(back.props ?? {}) }, inputs, r.additionalSecretOutputs, provider,
          );
          const diffs = diffProperties(r.outputs, outputs);
          redactor.addTree(outputs);
          state.current.set(r.urn, { ...r, id: back.id ?? r.id, inputs, outputs });
          if (diffs.length) events({ ...base, op: standalone ? "update" : "refresh", diffs, note: "drift: changed outside drydock" });
          else if (standalone) events({ ...base, op: "same" });
        } catch (e) {
          // A read that fails is never "gone": the entry stays as it was, and the run fails naming it.
          const failure = readFailure(r.urn, "refresh", e, redactor, "it stays in state as it was");
          events({ ...base, phase: "failed", op: "refresh", error: failure.detail });
          failures.push(failure);
        }
      }),
    ),
  );
  if (!dryRun) await state.flush();
  return failures;
}
