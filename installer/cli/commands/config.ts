/** drydock config [ls] | get | set [--secret] | rm */
import { DrydockError } from "../../engine/errors.js";
import { StackCrypter } from "../../engine/crypter-source.js";
import { decryptConfig, encryptConfig } from "../../engine/config-values.js";
import { isSecureValue, loadStackSettings, qualifyConfigKey } from "../../engine/project.js";
import { updateStackSettings } from "../../engine/settings-file.js";
import { openProject, passphrase, resolveStack, type Context, type GlobalOptions } from "../context.js";
import { out } from "../output.js";
import { ask, askHidden } from "../prompt.js";

type Opened = Awaited<ReturnType<typeof load>>;

async function load(ctx: Context, stack: string, g: GlobalOptions) {
  const settings = await loadStackSettings(ctx.project, stack);
  const crypter = new StackCrypter(ctx.project, stack, settings, passphrase(g));
  return { ctx, stack, settings, crypter };
}

async function open(g: GlobalOptions): Promise<Opened> {
  const ctx = await openProject(g);
  return load(ctx, await resolveStack(ctx), g);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** The value to set: the argument, else a prompt on a terminal (hidden for a secret), else standard input. */
async function valueToSet(k: string, value: string | undefined, secret: boolean): Promise<string> {
  if (value !== undefined) {
    if (secret) {
      process.stderr.write(
        `warning: the secret value of ${k} was given on the command line, where shell history and the process list keep it; leave it out to be asked for it, or pipe it on standard input\n`,
      );
    }
    return value;
  }
  if (!process.stdin.isTTY) return readStdin();
  return secret ? askHidden(`Value of ${k} (secret, not shown): `) : ask(`Value of ${k}: `);
}

/** Runs a change to the stack's settings under its lock, on the file as it is now. */
async function locked(o: Opened, g: GlobalOptions, command: string, change: (now: Opened) => Promise<void>): Promise<void> {
  const lock = await o.ctx.backend.lock(o.stack, `drydock config ${command}`);
  try {
    await change(await load(o.ctx, o.stack, g));
  } finally {
    await lock.release();
  }
}

export async function configSet(key: string, value: string | undefined, secret: boolean, g: GlobalOptions): Promise<number> {
  const o = await open(g);
  const k = qualifyConfigKey(o.ctx.project, key);
  if (secret) o.crypter.get(); // a missing or wrong passphrase fails before the value is asked for
  const v = await valueToSet(k, value, secret);
  await locked(o, g, "set", async ({ ctx, stack, crypter }) => {
    const stored = secret ? encryptConfig(crypter, k, v) : v;
    await crypter.saveIfCreated();
    await updateStackSettings(ctx.project, stack, { set: { [k]: stored } });
  });
  return 0;
}

export async function configGet(key: string, showSecrets: boolean, g: GlobalOptions): Promise<number> {
  const { ctx, stack, settings, crypter } = await open(g);
  const k = qualifyConfigKey(ctx.project, key);
  if (!(k in settings.config)) throw new DrydockError("input", `config "${k}" is not set for stack "${stack}"`);
  const v = settings.config[k];
  if (isSecureValue(v)) out(showSecrets ? String(decryptConfig(crypter, k, v.secure)) : "[secret]");
  else out(typeof v === "string" ? v : JSON.stringify(v));
  return 0;
}

export async function configLs(showSecrets: boolean, g: GlobalOptions): Promise<number> {
  const { settings, crypter } = await open(g);
  const rows = Object.keys(settings.config).sort().map((k) => {
    const v = settings.config[k];
    const shown = isSecureValue(v) ? (showSecrets ? decryptConfig(crypter, k, v.secure) : "[secret]") : v;
    return [k, shown] as const;
  });
  if (g.json) out(JSON.stringify(Object.fromEntries(rows), null, 2));
  else {
    out("KEY".padEnd(32) + "VALUE");
    for (const [k, v] of rows) out(`${k.padEnd(32)}${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  return 0;
}

export async function configRm(key: string, g: GlobalOptions): Promise<number> {
  const o = await open(g);
  const k = qualifyConfigKey(o.ctx.project, key);
  await locked(o, g, "rm", async ({ ctx, stack, settings }) => {
    if (!(k in settings.config)) throw new DrydockError("input", `config "${k}" is not set for stack "${stack}"`);
    await updateStackSettings(ctx.project, stack, { remove: [k] });
  });
  return 0;
}
