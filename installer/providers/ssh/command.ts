/** ssh.Command: runs shell commands on a host; a failure names the host, the command, its exit code and stderr tail. */
import { randomBytes } from "node:crypto";
import { checkWith, isUnknown, propertyEquals, sameMachine, ssh, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";
import { run } from "../../transport/types.js";

type Inputs = ssh.CommandInputs;
interface Outputs extends Inputs {
  readonly stdout: string;
  readonly stderr: string;
}

/** Changing one of these re-runs the update command (a new timeout alone does not). */
const KEYS = ["create", "update", "delete", "environment", "sudo"] as const;
const SCRIPT_INPUTS = ["create", "update", "delete", "environment", "triggers"];

export function commandProvider(connect: Connector): ResourceProvider<Inputs, Outputs> {
  async function exec(what: string, command: string, i: Inputs, ctx: ProviderContext): Promise<{ stdout: string; stderr: string }> {
    const t = connect(i.connection, (m) => ctx.log(m));
    const r = await run(t, command, {
      what: `${what} command`, sudo: i.sudo, env: i.environment, timeoutMs: i.timeout * 1000, signal: ctx.signal,
      secrets: Object.values(i.environment),
    });
    return { stdout: r.stdout.replace(/\n$/, ""), stderr: r.stderr.replace(/\n$/, "") };
  }

  return {
    // What the command prints can carry the secrets it was given, not the connection's credentials.
    secretOutputs: (secretInputs) => (secretInputs.some((k) => SCRIPT_INPUTS.includes(k)) ? ["stdout", "stderr"] : []),

    async check(_olds, news) {
      return checkWith(ssh.CommandArgsSchema, news);
    },

    async diff(_id, _olds, news, oldInputs) {
      const triggers = !propertyEquals(news.triggers, oldInputs.triggers);
      // In a plan the connection may be unknown (its host is being updated): an update, decided for real at apply time.
      const moved = !isUnknown(news.connection) && !sameMachine(news.connection, oldInputs.connection);
      const changes = triggers || moved || !propertyEquals(news.connection, oldInputs.connection)
        || news.timeout !== oldInputs.timeout || KEYS.some((k) => !propertyEquals(news[k], oldInputs[k]));
      return { changes, replaces: [...(triggers ? ["triggers"] : []), ...(moved ? ["connection"] : [])] };
    },

    async create(inputs, ctx) {
      const out = await exec("create", inputs.create, inputs, ctx);
      return { id: randomBytes(8).toString("hex"), outs: { ...inputs, ...out } };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      // New credentials for the same machine are remembered without running anything.
      if (KEYS.every((k) => propertyEquals(news[k], oldInputs[k]))) {
        return { outs: { ...news, stdout: olds.stdout, stderr: olds.stderr } };
      }
      const out = await exec("update", news.update ?? news.create, news, ctx);
      return { outs: { ...news, ...out } };
    },

    async delete(_id, props, ctx) {
      if (props.delete) await exec("delete", props.delete, props, ctx);
    },
  };
}
