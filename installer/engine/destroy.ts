/** Destroy: every resource, in reverse dependency order; protected resources stop it before anything is touched. */
import { deleteInOrder } from "./deletes.js";
import { DrydockError, unknownTargets } from "./errors.js";
import type { Executor } from "./executor.js";
import type { ResourceState } from "./state/types.js";
import type { WorkingState } from "./working-state.js";

export async function destroyAll(
  state: WorkingState,
  executor: Executor,
  targets: readonly string[] | undefined,
  targetDependents: boolean,
): Promise<void> {
  const all = [...state.current.values(), ...state.condemned];
  const missing = (targets ?? []).filter((t) => !all.some((r) => r.urn === t));
  if (missing.length) throw unknownTargets(missing);
  const doomed = targets?.length ? withDependents(all, targets, targetDependents) : all;
  const protectedOnes = doomed.filter((r) => r.protect);
  if (protectedOnes.length > 0) {
    throw new DrydockError(
      "step",
      `cannot destroy: ${protectedOnes.length === 1 ? "this resource is" : "these resources are"} protected:\n` +
        protectedOnes.map((r) => `  ✖ ${r.urn}`).join("\n") +
        "\nset protect: false on them and run `drydock up` first; nothing was deleted",
    );
  }
  await deleteInOrder(doomed, (r) => executor.delete(r));
  if (!targets?.length) state.outputs = {};
}

function withDependents(all: readonly ResourceState[], targets: readonly string[], include: boolean): ResourceState[] {
  const chosen = new Set(targets);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of all) {
      if (chosen.has(r.urn)) continue;
      const dependsOnChosen = [r.parent, ...r.dependencies].some((d) => d !== undefined && chosen.has(d));
      if (!dependsOnChosen) continue;
      if (!include) {
        throw new DrydockError("input", `${r.urn} depends on a targeted resource: add it with --target or pass --target-dependents`);
      }
      chosen.add(r.urn);
      grew = true;
    }
  }
  return all.filter((r) => chosen.has(r.urn));
}
