/** The engine's one error type: what went wrong, where, and how the CLI should exit. */

export type ErrorKind =
  /** Bad input from the user: a malformed file, bad args, an unknown stack. Exit 2. */
  | "input"
  /** The program itself threw. Exit 2. */
  | "program"
  /** A step failed while changing something. Exit 1. */
  | "step"
  /** Another run holds the stack. Exit 1. */
  | "locked"
  /** Anything else that stopped the operation. Exit 1. */
  | "failed";

export interface ErrorContext {
  readonly urn?: string;
  readonly step?: string;
  readonly host?: string;
}

export class DrydockError extends Error {
  override readonly name = "DrydockError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly context: ErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return this.kind === "input" || this.kind === "program" ? 2 : 1;
  }
}

/** Marks a step that did not run because something it needed failed or the run stopped. */
export class SkippedError extends Error {
  override readonly name = "SkippedError";
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** --target URNs that name no resource of the stack. */
export function unknownTargets(missing: readonly string[]): DrydockError {
  return new DrydockError("input", `--target names no resource of this stack:\n${missing.map((t) => `  ✖ ${t}`).join("\n")}`);
}
