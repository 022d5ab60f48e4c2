/** Decides a custom resource's operation from its old state and new inputs. */
import type { ResourceOptions, ResourceProvider } from "../../sdk/index.js";
import { revealMap, type PropertyMap } from "../../sdk/internal.js";
import { applyIgnoreChanges, diffProperties, matchesAny } from "./diff.js";
import type { PropertyDiff } from "./events.js";
import type { ResourceState } from "./state/types.js";

export interface Decision {
  readonly op: "create" | "update" | "replace" | "same";
  /** The inputs to store: new inputs with ignored paths kept at their old values. */
  readonly inputs: PropertyMap;
  readonly diffs: readonly PropertyDiff[];
  readonly replaces: readonly string[];
  readonly stables: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** The provider's note on this step, if any. */
  readonly note?: string;
}

export async function decide(
  provider: ResourceProvider,
  old: ResourceState | undefined,
  news: PropertyMap,
  opts: ResourceOptions,
): Promise<Decision> {
  if (!old) {
    return { op: "create", inputs: news, diffs: diffProperties({}, news), replaces: [], stables: [], deleteBeforeReplace: false };
  }
  const inputs = opts.ignoreChanges?.length ? applyIgnoreChanges(old.inputs, news, opts.ignoreChanges) : news;
  const diffs = diffProperties(old.inputs, inputs);
  const r = provider.diff
    ? await provider.diff(old.id ?? "", revealMap(old.outputs), revealMap(inputs), revealMap(old.inputs), { ignoreChanges: opts.ignoreChanges ?? [] })
    : { changes: diffs.length > 0 };
  const changes = r.changes ?? diffs.length > 0;
  const replaces = new Set(r.replaces ?? []);
  for (const d of diffs) {
    if (opts.replaceOnChanges?.length && matchesAny(d.path, opts.replaceOnChanges)) replaces.add(d.path.split(".")[0]!);
  }
  let op: Decision["op"] = replaces.size > 0 ? "replace" : changes ? "update" : "same";
  // A create or update that failed part-way is finished by an update (or, without one, made again), inputs changed or not.
  const finishing = old.initErrors?.length && op !== "replace"
    ? `finishing an operation that failed part-way: ${old.initErrors.join("; ")}`
    : undefined;
  if (finishing) op = provider.update ? "update" : "replace";
  return {
    op,
    inputs,
    diffs: r.detailedDiff && op !== "same" ? r.detailedDiff : diffs,
    replaces: [...replaces].sort(),
    stables: [...(r.stables ?? [])],
    deleteBeforeReplace: Boolean(opts.deleteBeforeReplace || r.deleteBeforeReplace),
    note: [finishing, r.note].filter(Boolean).join("; ") || undefined,
  };
}
