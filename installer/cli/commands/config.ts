/** drydock config [ls] | get | set [--secret] | rm */
import { DrydockError } from "../../engine/errors.js";
import { StackCrypter } from "../../engine/crypter-source.js";
import { decryptConfig, encryptConfig } from "../../engine/config-values.js";
import { isSecureValue, loadStackSettings, qualifyConfigKey, saveStackSettings } from "../../engine/project.js";
import { openProject, passphrase, resolveStack, type GlobalOptions } from "../context.js";
import { out } from "../output.js";

async function open(g: GlobalOptions) {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const settings = await loadStackSettings(ctx.project, stack);
  const crypter = new StackCrypter(ctx.project, stack, settings, passphrase(g));
  return { ctx, stack, settings, crypter };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export async function configSet(key: string, value: string | undefined, secret: boolean, g: GlobalOptions): Promise<number> {
  const { ctx, stack, settings, crypter } = await open(g);
  const k = qualifyConfigKey(ctx.project, key);
  const v = value ?? (process.stdin.isTTY ? undefined : await readStdin());
  if (v === undefined) throw new DrydockError("input", `config set ${key}: give a value, or pipe it on standard input`);
  settings.config[k] = secret ? encryptConfig(crypter, k, v) : v;
  await saveStackSettings(ctx.project, stack, settings);
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
  const { ctx, stack, settings } = await open(g);
  const k = qualifyConfigKey(ctx.project, key);
  if (!(k in settings.config)) throw new DrydockError("input", `config "${k}" is not set for stack "${stack}"`);
  delete settings.config[k];
  await saveStackSettings(ctx.project, stack, settings);
  return 0;
}
