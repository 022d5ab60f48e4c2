/** A provider's `read` that failed: never a sign the resource is gone, always an error that names it. */
import { DrydockError, errorMessage } from "./errors.js";
import type { Redactor } from "./redact.js";

/** The host a transport error names (TransportError carries it), for the error's context. */
function hostOf(e: unknown): string | undefined {
  const host = (e as { host?: unknown } | undefined)?.host;
  return typeof host === "string" ? host : undefined;
}

/**
 * `<urn>: <what> failed: <cause>; <outcome>`, secrets redacted; the cause
 * names the host (providers' errors do). `detail` is the part after the URN, for events.
 */
export function readFailure(urn: string, what: string, e: unknown, redactor: Redactor | undefined, outcome: string): DrydockError & { readonly detail: string } {
  const text = `${what} failed: ${errorMessage(e)}; ${outcome}`;
  const detail = redactor ? redactor.redact(text) : text;
  return Object.assign(new DrydockError("step", `${urn}: ${detail}`, { urn, step: "read", host: hostOf(e) }, { cause: e }), { detail });
}
