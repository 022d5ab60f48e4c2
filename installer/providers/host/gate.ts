/**
 * host.HealthGate: waits on create, and on update when its check or triggers
 * changed. Nothing of it lives on a host: it has no read (refresh keeps it as it
 * is), and deleting it does nothing.
 */
import { commandCheck, httpsCheck, tcpCheck, type CheckResult } from "../../host/checks.js";
import { journalTail } from "../../host/systemd.js";
import { waitFor } from "../../host/wait.js";
import { checkWith, containsUnknown, digestOf, host, isUnknown, unknown, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";

type Inputs = host.GateInputs;

export interface GateOutputs extends Inputs {
  readonly passedAt: string;
  /** Seconds the last wait took. */
  readonly waited: number;
}

/** Why the gate must wait again: what it guards changed, or its check did (empty when neither). */
function waitsAgain(news: Inputs, old: Inputs): string[] {
  const why: string[] = [];
  if (isUnknown(news.triggers) || news.triggers !== old.triggers) why.push("what it guards changed");
  if (containsUnknown(news.check) || JSON.stringify(news.check) !== JSON.stringify(old.check)) why.push("its check changed");
  return why;
}

export function gateProvider(connect: Connector): ResourceProvider<Inputs, GateOutputs> {
  async function pass(i: Inputs, ctx: ProviderContext): Promise<GateOutputs> {
    const c = i.check;
    const attempt = (ms: number): Promise<CheckResult> => {
      if (c.kind === "command") return commandCheck(connect(c.connection, (m) => ctx.log(m)), c.command, c.sudo, ms, ctx.signal);
      if (c.kind === "https") return httpsCheck(c, ms);
      return tcpCheck(c.host, c.port, ms);
    };
    const j = i.journal;
    const ms = await waitFor(attempt, {
      what: i.description, timeoutSeconds: i.timeout, intervalSeconds: i.interval, log: (m) => ctx.log(m), signal: ctx.signal,
      ...(j ? { journal: async () => `${j.unit} on ${connect(j.connection).name}:\n${await journalTail(connect(j.connection), j.unit.replace(/\.service$/, ""))}` } : {}),
    });
    return { ...i, passedAt: new Date().toISOString(), waited: Math.round(ms / 100) / 10 };
  }

  return {
    secretOutputs: [],

    async check(_olds, news) {
      const r = checkWith(host.GateArgsSchema, news);
      if (!r.inputs) return r as { failures: [] };
      const i = r.inputs;
      return { inputs: { ...i, timeout: i.timeout ?? 60, interval: i.interval ?? 0.5, triggers: (containsUnknown(i.triggers) ? unknown : digestOf(i.triggers ?? [])) as string } };
    },

    async diff(_id, _olds, news, oldInputs) {
      const what = waitsAgain(news, oldInputs);
      if (what.length) return { changes: true, note: `waits for ${isUnknown(news.description) ? "its check" : news.description}: ${what.join(", ")}` };
      return { changes: news.description !== oldInputs.description || news.timeout !== oldInputs.timeout || news.interval !== oldInputs.interval || JSON.stringify(news.journal) !== JSON.stringify(oldInputs.journal) };
    },

    async create(i, ctx) {
      return { id: `gate-${Date.now().toString(36)}`, outs: await pass(i, ctx) };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      return { outs: waitsAgain(news, oldInputs).length ? await pass(news, ctx) : { ...olds, ...news } };
    },

    async delete() {
      // Nothing on any host.
    },
  };
}
