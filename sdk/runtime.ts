/**
 * The seam between a program and whoever runs it. The SDK never does I/O:
 * resource registrations go to the runtime the engine installs on globalThis
 * (so a second copy of this module still finds it), or to a test runtime.
 */
import type { PropertyMap } from "./properties.js";

export interface ConfigValue {
  /** The value as written in the stack file (secrets already decrypted). */
  readonly value: unknown;
  readonly secret: boolean;
}

export interface RuntimeSettings {
  readonly project: string;
  readonly stack: string;
  /** Keys are `namespace:key`. */
  readonly config: Readonly<Record<string, ConfigValue>>;
  /** True while previewing: unknown values stay unknown and `apply` callbacks on them do not run. */
  readonly dryRun: boolean;
}

export interface RegisterRequest {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly props: Record<string, unknown>;
  readonly opts: Record<string, unknown>;
  /** Where the resource was declared, for error messages (formatted on demand). */
  readonly site: { toString(): string };
}

export interface RegisterResponse {
  readonly urn: string;
  readonly id?: string | undefined;
  /** Output properties, possibly holding secrets and unknowns. */
  readonly outputs: PropertyMap;
  /** In a preview: properties missing from `outputs` are unknown rather than absent. */
  readonly partial?: boolean;
}

export interface Runtime {
  readonly settings: RuntimeSettings;
  /** Registers a resource. `urn` must be computed synchronously; the response comes when its step is done. */
  registerResource(resource: object, urn: string, req: RegisterRequest): Promise<RegisterResponse>;
  registerOutputs(resource: object, outputs: unknown): void;
  /** Keeps the program "running" until the promise settles; records its failure. */
  track<T>(p: Promise<T>): Promise<T>;
  log(severity: "info" | "warning" | "error", message: string): void;
  /**
   * Asks the engine for something a program may not do itself (the SDK does no I/O): reading a
   * folder of YAML, rendering a Helm chart. Runs in previews too; it must change nothing.
   */
  invoke?(token: string, args: Record<string, unknown>): Promise<unknown>;
}

const KEY = Symbol.for("drydock.runtime");

type Holder = { [KEY]?: Runtime };

export function setRuntime(rt: Runtime | undefined): void {
  (globalThis as Holder)[KEY] = rt;
}

export function currentRuntime(): Runtime | undefined {
  return (globalThis as Holder)[KEY];
}

export function requireRuntime(what: string): Runtime {
  const rt = currentRuntime();
  if (!rt) {
    throw new Error(
      `${what} needs a running drydock program: run it with \`drydock preview\` or \`drydock up\` ` +
        `(tests can install a runtime with setRuntime)`,
    );
  }
  return rt;
}

/** Registers work with the runtime if one is installed. */
export function track<T>(p: Promise<T>): Promise<T> {
  const rt = currentRuntime();
  return rt ? rt.track(p) : p;
}

export function getProject(): string {
  return requireRuntime("getProject()").settings.project;
}

export function getStack(): string {
  return requireRuntime("getStack()").settings.stack;
}

export function isDryRun(): boolean {
  return requireRuntime("isDryRun()").settings.dryRun;
}

/** Calls an engine function (see `Runtime.invoke`); tracked, so a failure is the program's. */
export function invoke<T>(token: string, args: Record<string, unknown>): Promise<T> {
  const rt = requireRuntime(`invoke("${token}")`);
  if (!rt.invoke) return Promise.reject(new Error(`this runtime cannot run "${token}"`));
  return rt.invoke(token, args) as Promise<T>;
}
