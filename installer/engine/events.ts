/** Events a pass emits; the CLI renders them as lines, listr2 tasks or JSON. */

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh";

export interface PropertyDiff {
  readonly path: string;
  readonly kind: "add" | "delete" | "update";
  /** Display values: secrets are "[secret]", unknowns "[unknown]". */
  readonly old?: unknown;
  readonly new?: unknown;
}

export type EngineEvent =
  | { readonly type: "prelude"; readonly operation: string; readonly stack: string; readonly project: string; readonly dryRun: boolean }
  | {
      readonly type: "step";
      readonly phase: "plan" | "start" | "done" | "failed";
      readonly op: StepOp;
      readonly urn: string;
      readonly resourceType: string;
      readonly name: string;
      readonly diffs?: readonly PropertyDiff[];
      readonly replaces?: readonly string[];
      readonly note?: string;
      /** The delete half of a replacement: shown, but counted with the replacement. */
      readonly original?: boolean;
      readonly durationMs?: number;
      readonly error?: string;
    }
  | { readonly type: "progress"; readonly urn: string; readonly message: string }
  | { readonly type: "diag"; readonly severity: "info" | "warning" | "error"; readonly urn?: string; readonly message: string }
  | { readonly type: "outputs"; readonly outputs: Record<string, unknown>; readonly diffs: readonly PropertyDiff[] }
  | {
      readonly type: "summary";
      readonly operation: string;
      readonly dryRun: boolean;
      readonly counts: Readonly<Record<StepOp, number>>;
      readonly changes: boolean;
      readonly result: "succeeded" | "failed";
      readonly durationMs: number;
    };

export type EventSink = (e: EngineEvent) => void;

export function emptyCounts(): Record<StepOp, number> {
  return { create: 0, update: 0, replace: 0, delete: 0, same: 0, refresh: 0 };
}
