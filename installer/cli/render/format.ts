/** Shared text formatting: glyphs, values, property diffs, summaries. */
import type { PropertyDiff, StepOp } from "../../engine/events.js";

export const GLYPH: Record<StepOp, string> = {
  create: "+ ", update: "~ ", replace: "+-", delete: "- ", same: "  ", refresh: "~ ",
};

const PAST: Record<StepOp, string> = {
  create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged", refresh: "refreshed",
};

const FUTURE: Record<StepOp, string> = {
  create: "to create", update: "to update", replace: "to replace", delete: "to delete", same: "unchanged", refresh: "to refresh",
};

const ING: Record<StepOp, string> = {
  create: "creating", update: "updating", replace: "replacing", delete: "deleting", same: "", refresh: "refreshing",
};

export function ing(op: StepOp): string {
  return ING[op];
}

export function past(op: StepOp): string {
  return PAST[op];
}

export function value(v: unknown): string {
  const s = typeof v === "string" && (v === "[secret]" || v === "[unknown]") ? v : JSON.stringify(v);
  if (s === undefined) return "undefined";
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The lines of one property diff: an added object too long for one line is shown key by key
 * (a release's files, a map of settings), so what a create brings stays readable.
 */
export function diffLines(d: PropertyDiff): string[] {
  if (d.kind === "add" && isRecord(d.new) && JSON.stringify(d.new).length > 120) {
    return Object.keys(d.new).sort().flatMap((k) => diffLines({ path: `${d.path}.${k}`, kind: "add", new: (d.new as Record<string, unknown>)[k] }));
  }
  return [diffLine(d)];
}

export function diffLine(d: PropertyDiff): string {
  if (d.kind === "add") return `+ ${d.path}: ${value(d.new)}`;
  if (d.kind === "delete") return `- ${d.path}: ${value(d.old)}`;
  if (typeof d.old === "string" && typeof d.new === "string") {
    const [a, b] = aroundFirstDifference(JSON.stringify(d.old), JSON.stringify(d.new));
    return `~ ${d.path}: ${a} => ${b}`;
  }
  return `~ ${d.path}: ${value(d.old)} => ${value(d.new)}`;
}

/** Long strings are cut around where they first differ, so the change stays visible. */
function aroundFirstDifference(a: string, b: string, width = 110): [string, string] {
  if (a.length <= width && b.length <= width) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const start = Math.max(0, i - 30);
  const cut = (s: string) => `${start > 0 ? "..." : ""}${s.slice(start, start + width)}${s.length > start + width ? "..." : ""}`;
  return [cut(a), cut(b)];
}

export function summaryLine(counts: Record<StepOp, number>, dryRun: boolean): string {
  const words = dryRun ? FUTURE : PAST;
  const parts: string[] = [];
  for (const op of ["create", "update", "replace", "delete"] as const) {
    if (counts[op] > 0) parts.push(`${GLYPH[op].trim()} ${counts[op]} ${words[op]}`);
  }
  parts.push(`${counts.same} unchanged`);
  return `Resources: ${parts.join(", ")}`;
}

export function duration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}
