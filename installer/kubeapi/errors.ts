/** An API server's answer other than success, with its Status (reason, message, causes). */
export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly causes: readonly StatusCause[] = [],
  ) {
    super(message);
  }

  static from(code: number, body: unknown, what: string): ApiError {
    const s = (body && typeof body === "object" ? body : {}) as { reason?: string; message?: string; details?: { causes?: StatusCause[] } };
    const message = s.message ?? (typeof body === "string" && body ? body.slice(0, 300) : `HTTP ${code}`);
    return new ApiError(code, s.reason ?? `HTTP${code}`, `${what}: ${message}`, s.details?.causes ?? []);
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.code === 409;
