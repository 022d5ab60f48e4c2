/** Validation problems, each with a property path, printed the same way everywhere. */
import type { z } from "zod";
import { isPlainObject } from "./properties.js";

export interface Problem {
  /** Dotted path, `members[1].host`; empty for the whole value. */
  readonly path: string;
  readonly message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (Array.isArray(v) || isPlainObject(v)) v = (v as Record<PropertyKey, unknown>)[p];
    else return undefined;
  }
  return v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A problem's message without the offending value `zodProblems` appended (for a value that is secret). */
export function withoutValue(message: string): string {
  return message.replace(/ \(got [\s\S]*\)$/, "");
}

/** Turns zod issues into problems, naming the offending value. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], input: unknown): Problem[] {
  return issues.map((i) => {
    const got = valueAt(input, i.path);
    const suffix = got === undefined ? "" : ` (got ${show(got)})`;
    return { path: formatPath(i.path), message: `${i.message}${suffix}` };
  });
}

/** `✖ message → at prefix.path`, one line per problem. */
export function formatProblems(problems: readonly Problem[], prefix = ""): string {
  return problems
    .map((p) => {
      const at = [prefix, p.path].filter((s) => s !== "").join(p.path.startsWith("[") ? "" : ".");
      return `  ✖ ${p.message}${at ? ` → at ${at}` : ""}`;
    })
    .join("\n");
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = "", input?: unknown): string {
  return formatProblems(zodProblems(issues, input), prefix);
}
