/** An in-memory Runtime for SDK unit tests: records registrations, answers from a callback. */
import {
  setRuntime,
  type ConfigValue, type RegisterRequest, type RegisterResponse, type Runtime,
} from "../../../sdk/internal.js";

export interface Registration {
  readonly resource: object;
  readonly urn: string;
  readonly req: RegisterRequest;
}

export interface FakeRuntime extends Runtime {
  readonly registrations: Registration[];
  readonly outputs: { resource: object; outputs: unknown }[];
  readonly logs: { severity: string; message: string }[];
}

export interface FakeOptions {
  readonly project?: string;
  readonly stack?: string;
  readonly config?: Record<string, ConfigValue>;
  readonly dryRun?: boolean;
  /** Builds the response for a registration; default: id "id-<name>", outputs = props. */
  readonly respond?: (urn: string, req: RegisterRequest) => RegisterResponse | Promise<RegisterResponse>;
}

/** Installs a fake runtime on globalThis and returns it (reset with `setRuntime(undefined)`). */
export function installFakeRuntime(o: FakeOptions = {}): FakeRuntime {
  const registrations: Registration[] = [];
  const outputs: { resource: object; outputs: unknown }[] = [];
  const logs: { severity: string; message: string }[] = [];
  const rt: FakeRuntime = {
    settings: { project: o.project ?? "proj", stack: o.stack ?? "dev", config: o.config ?? {}, dryRun: o.dryRun ?? false },
    registrations,
    outputs,
    logs,
    async registerResource(resource, urn, req) {
      registrations.push({ resource, urn, req });
      if (o.respond) return o.respond(urn, req);
      return { urn, id: `id-${req.name}`, outputs: {} };
    },
    registerOutputs(resource, outs) {
      outputs.push({ resource, outputs: outs });
    },
    track: (p) => p,
    log(severity, message) {
      logs.push({ severity, message });
    },
  };
  setRuntime(rt);
  return rt;
}
