/** local.Command: runs shell commands with execa; a failure names the command, exit code and stderr tail. */
import { randomBytes } from "node:crypto";
import { checkWith, local, propertyEquals, type ProviderContext, type ResourceProvider } from "./deps.js";

type Inputs = local.CommandInputs;
interface Outputs extends Inputs {
  readonly stdout: string;
  readonly stderr: string;
}

/** drydock's own environment minus its secrets: commands never see the stack passphrase. */
function inheritedEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  delete env.DRYDOCK_PASSPHRASE;
  return env;
}

function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? ["…", ...all.slice(-lines)] : all).join("\n");
}

async function run(what: string, command: string, i: Inputs, ctx: ProviderContext): Promise<{ stdout: string; stderr: string }> {
  // execa is loaded on first use: most runs never start a command.
  const { execa } = await import("execa");
  // The deadline may pass while execa loads; an abort listener added now would never fire.
  if (ctx.signal.aborted) throw new Error(`${what} command was cancelled before it started: ${String(ctx.signal.reason ?? "")}`);
  const child = execa("/bin/sh", ["-c", command], {
    cwd: i.dir ?? process.cwd(),
    env: { ...inheritedEnv(), ...i.environment },
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    cancelSignal: ctx.signal,
    // Its own process group, so a cancel stops everything it started, not only the shell
    // (an orphan holding its output would keep the call, and the run, waiting).
    detached: true,
  });
  const stopGroup = (): void => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  ctx.signal.addEventListener("abort", stopGroup, { once: true });
  const r = await child.finally(() => ctx.signal.removeEventListener("abort", stopGroup));
  if (r.isCanceled) throw new Error(`${what} command was cancelled: ${String(ctx.signal.reason ?? "")}`);
  if (r.exitCode !== 0) {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
    throw new Error(`${what} command ${why}${r.stderr ? `; stderr:\n${tail(r.stderr)}` : ""}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

export const commandProvider: ResourceProvider<Inputs, Outputs> = {
  async check(_olds, news) {
    return checkWith(local.CommandArgsSchema, news);
  },

  async diff(_id, _olds, news, oldInputs) {
    const triggers = !propertyEquals(news.triggers, oldInputs.triggers);
    const keys = ["create", "update", "delete", "environment", "dir"] as const;
    const changes = triggers || keys.some((k) => !propertyEquals(news[k], oldInputs[k]));
    return { changes, replaces: triggers ? ["triggers"] : [] };
  },

  async create(inputs, ctx) {
    const out = await run("create", inputs.create, inputs, ctx);
    return { id: randomBytes(8).toString("hex"), outs: { ...inputs, ...out } };
  },

  async update(_id, _olds, news, ctx) {
    const out = await run("update", news.update ?? news.create, news, ctx);
    return { outs: { ...news, ...out } };
  },

  async delete(_id, props, ctx) {
    if (props.delete) await run("delete", props.delete, props, ctx);
  },
};
