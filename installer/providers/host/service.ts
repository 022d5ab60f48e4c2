/**
 * host.Service: the unit is a file the service owns (a set of one, with a
 * manifest like host.Files); started when created, restarted only when the
 * unit or the digest of `restartOn` changed, started again when refresh found
 * it stopped. A run that changes nothing never touches it.
 */
import { putFiles, readFiles, removeFiles, type SetTarget } from "../../host/files.js";
import { daemonReload, journalTail, show, startService, stopService, unitFile, type ServiceState } from "../../host/systemd.js";
import { renderTemplate } from "../../render/template.js";
import { sha256Hex } from "../../util/hash.js";
import { checkWith, containsUnknown, digestOf, HOST_DIRS, host, isUnknown, machineOf, setNameFor, unknown, type Connector, type HostDirs, type ResourceProvider } from "./deps.js";

type Inputs = host.ServiceInputs;

export interface ServiceOutputs extends Inputs {
  readonly invocationId: string;
  readonly activeState: string;
  readonly unitPath: string;
  /** sha256 of the unit file on the host ("" when it is missing). */
  readonly unitSha256: string;
}

const RUNNING = new Set(["active", "activating", "reloading"]);

export function serviceProvider(connect: Connector, dirs: HostDirs = HOST_DIRS): ResourceProvider<Inputs, ServiceOutputs> {
  const target = (i: Inputs, log?: (m: string) => void, signal?: AbortSignal): SetTarget =>
    ({ t: connect(i.connection, log), set: i.set, stateDir: dirs.stateDir, signal });
  const pathOf = (i: Inputs) => unitFile(i.name, dirs.unitDir);

  async function outputs(i: Inputs, s: SetTarget, st: ServiceState): Promise<ServiceOutputs> {
    return { ...i, invocationId: st.invocationId, activeState: st.activeState, unitPath: pathOf(i), unitSha256: sha256Hex(i.unit) };
  }

  /** Writes the unit (refusing one drydock does not own) and (re)starts the service when `how` says so. */
  async function apply(i: Inputs, how: "start" | "restart" | "keep", log: (m: string) => void, signal: AbortSignal): Promise<ServiceOutputs> {
    const s = target(i, log, signal);
    await putFiles(s, [{ path: pathOf(i), bytes: i.unit, mode: "0644", owner: "root:root" }]);
    const before = await show(s.t, i.name);
    if (how !== "keep" || !RUNNING.has(before.activeState)) {
      log(`${how === "restart" ? "restarting" : "starting"} ${i.name}.service on ${s.t.name}${i.waitStarted ? "" : " (not waiting: a health gate says when it is ready)"}`);
      await startService(s.t, i.name, { restart: how === "restart", wait: i.waitStarted, timeoutSeconds: i.timeout, signal });
      return outputs(i, s, await started(s, i, before.invocationId));
    }
    return outputs(i, s, before);
  }

  /**
   * What systemd says once the start it was asked for has begun: a start
   * that does not wait is only a queued job at first, and until it runs the
   * service still shows the invocation it had before (none, or the old one).
   * A health gate waits again only when the invocation changes, so this must
   * be the new one: a restart whose stop takes long (a server draining its
   * requests) is waited for up to the service's timeout, and one that has not
   * begun by then fails, naming the host and the unit's state, rather than
   * letting what follows believe it restarted.
   */
  async function started(s: SetTarget, i: Inputs, previous: string): Promise<ServiceState> {
    const deadline = Date.now() + i.timeout * 1000;
    for (;;) {
      const st = await show(s.t, i.name);
      if ((st.invocationId && st.invocationId !== previous) || i.waitStarted) return st;
      if (Date.now() > deadline) {
        const journal = await journalTail(s.t, i.name).catch(() => "");
        throw new Error(`${s.t.name}: ${i.name}.service did not start again within ${i.timeout}s (it is ${st.activeState || "unknown"})${journal ? `\n--- journal of ${i.name}.service on ${s.t.name}:\n${journal}` : ""}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    secretOutputs: [],

    async check(olds, news, ctx) {
      const r = checkWith(host.ServiceArgsSchema, news);
      if (!r.inputs) return r as { failures: [] };
      const u = r.inputs.unit;
      const unit = isUnknown(u) || typeof u === "string" ? u
        : containsUnknown(u) ? unknown : renderTemplate(u.name, (u.values ?? {}) as Record<string, string | number>);
      const restartOn = containsUnknown(r.inputs.restartOn) ? unknown : digestOf(r.inputs.restartOn ?? []);
      const set = (olds?.set as string | undefined) ?? setNameFor(ctx?.urn ?? "service");
      return {
        inputs: {
          connection: r.inputs.connection, name: r.inputs.name, unit: unit as string, restartOn: restartOn as string,
          waitStarted: r.inputs.waitStarted ?? true, timeout: r.inputs.timeout ?? 90, set,
          ...(typeof u === "object" && !isUnknown(u) && !isUnknown(u.name) ? { template: u.name } : {}),
        },
      };
    },

    idFor: (i) => (isUnknown(i.connection) || isUnknown(i.name) ? undefined : `${machineOf(i.connection)}#${i.name}.service`),

    async diff(_id, olds, news, oldInputs) {
      const moved = (!isUnknown(news.connection) && machineOf(news.connection) !== machineOf(oldInputs.connection)) || news.name !== oldInputs.name;
      if (moved) {
        const replaces = news.name !== oldInputs.name ? ["name"] : ["connection"];
        return { changes: true, replaces, note: `a new ${news.name}.service, and ${oldInputs.name}.service stopped and removed` };
      }
      const why: string[] = [];
      if (isUnknown(news.unit) || news.unit !== oldInputs.unit) why.push("its unit changes");
      else if (olds.unitSha256 !== sha256Hex(oldInputs.unit)) why.push("its unit was changed on the host");
      if (isUnknown(news.restartOn) || news.restartOn !== oldInputs.restartOn) why.push(isUnknown(news.restartOn) ? "restartOn may change" : "something in restartOn changed");
      if (why.length) return { changes: true, note: `restart ${news.name}.service: ${why.join(", ")}` };
      if (!RUNNING.has(olds.activeState)) return { changes: true, note: `start ${news.name}.service (it is ${olds.activeState || "not loaded"})` };
      return { changes: news.waitStarted !== oldInputs.waitStarted || news.timeout !== oldInputs.timeout };
    },

    async create(i, ctx) {
      const outs = await apply(i, "start", (m) => ctx.log(m), ctx.signal);
      return { id: `${machineOf(i.connection)}#${i.name}.service`, outs };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      const restart = news.unit !== oldInputs.unit || news.restartOn !== oldInputs.restartOn || olds.unitSha256 !== sha256Hex(oldInputs.unit);
      return { outs: await apply(news, restart ? "restart" : "keep", (m) => ctx.log(m), ctx.signal) };
    },

    async read(id, props, inputs, ctx) {
      const s = target(inputs, (m) => ctx.log(m), ctx.signal);
      const [files, st] = [await readFiles(s, [pathOf(inputs)]), await show(s.t, inputs.name)];
      const unit = files.files[pathOf(inputs)];
      if (!unit && !files.manifest && st.loadState === "not-found") return undefined;
      return { id, props: { ...props, activeState: st.activeState, invocationId: st.invocationId, unitSha256: unit?.sha256 ?? "" }, inputs: { ...inputs } };
    },

    async delete(_id, props, ctx) {
      const s = target(props, (m) => ctx.log(m), ctx.signal);
      ctx.log(`stopping and removing ${props.name}.service on ${s.t.name}`);
      await stopService(s.t, props.name);
      (await removeFiles(s)).forEach((k) => ctx.log(k));
      await daemonReload(s.t);
    },
  };
}
