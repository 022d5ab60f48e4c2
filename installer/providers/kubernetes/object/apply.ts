/**
 * Server-side apply with drydock's one field manager. A conflict with another manager is an error
 * naming each field and its manager, and how to resolve it; forcing is explicit.
 */
import { ApiError, isConflict } from "../../../kubeapi/errors.js";
import type { Obj } from "../../../kubeapi/readiness.js";
import type { Api } from "./clients.js";
import type { Target } from "./target.js";

export const FIELD_MANAGER = "drydock";

export interface ApplyOptions {
  readonly force: boolean;
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

export class ConflictError extends Error {
  override readonly name = "ConflictError";
  constructor(message: string, readonly fields: readonly { field: string; manager: string }[]) {
    super(message);
  }
}

/** The conflicts of a 409 apply, as "field (manager)". */
export function conflictsOf(e: ApiError): { field: string; manager: string }[] {
  return e.causes.filter((c) => c.reason === "FieldManagerConflict" || c.field).map((c) => ({
    field: c.field ?? "?",
    manager: /conflict with "([^"]+)"/.exec(c.message ?? "")?.[1] ?? "another manager",
  }));
}

/**
 * The API server refused the object itself: a 400 or 422 (a wrong value, admission), or the 500
 * server-side apply answers for a field its schema does not have ("failed to create typed patch
 * object … field not declared in schema").
 */
export const isInvalid = (e: unknown): boolean => e instanceof ApiError
  && (e.code === 400 || e.code === 422 || (e.code === 500 && /failed to create typed patch object/.test(e.message)));

export async function apply(api: Api, t: Target, body: Record<string, unknown>, o: ApplyOptions): Promise<Obj> {
  try {
    return await api.client.request<Obj>("PATCH", t.path, {
      body,
      contentType: "application/apply-patch+yaml",
      // Strict: an unknown or duplicate field is an error, not a warning the apply ignores.
      query: { fieldManager: FIELD_MANAGER, force: o.force, fieldValidation: "Strict", ...(o.dryRun ? { dryRun: "All" } : {}) },
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (e) {
    if (e instanceof ApiError && isConflict(e) && !o.force) {
      const fields = conflictsOf(e);
      const list = fields.map((f) => `${f.field} (managed by "${f.manager}")`).join(", ");
      throw new ConflictError(
        `${t.label}: another field manager owns fields drydock would change: ${list}. ` +
        "Set force: true to take them, add them to ignoreChanges (manifest.spec.replicas) to leave them to the other manager, " +
        "or refresh and up to put back what the program declares", fields);
    }
    if (e instanceof ApiError) throw new ApiError(e.code, e.reason, `${t.label}: ${e.message}`, e.causes);
    throw e;
  }
}

/** The object as shown in outputs: without managedFields (large, and churning). */
export function cleanObject(o: Obj): Obj {
  const { managedFields: _m, ...metadata } = o.metadata as Obj["metadata"] & { managedFields?: unknown };
  return { ...o, metadata };
}
