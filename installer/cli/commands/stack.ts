/** drydock stack init | ls | select | rm | output | unlock */
import { rm } from "node:fs/promises";
import { DrydockError } from "../../engine/errors.js";
import { StackCrypter } from "../../engine/crypter-source.js";
import { display } from "../../engine/diff.js";
import { checkStackName, loadStackSettings, stackSettingsPath } from "../../engine/project.js";
import { updateStackSettings } from "../../engine/settings-file.js";
import { CheckpointCodec } from "../../engine/state/codec.js";
import { describeLock, readLock } from "../../engine/state/lock.js";
import { emptyCheckpoint } from "../../engine/state/types.js";
import { reveal, type PropertyMap } from "../../../sdk/internal.js";
import { openProject, passphrase, resolveStack, selectStack, selectedStack, type Context, type GlobalOptions } from "../context.js";
import { existsSync } from "node:fs";
import { out } from "../output.js";

export async function stackInit(name: string, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  checkStackName(name);
  if (await ctx.backend.exists(name)) throw new DrydockError("input", `stack "${name}" already exists`);
  const codec = new CheckpointCodec(() => {
    throw new Error("internal: no secrets in a new stack");
  });
  await ctx.backend.save(emptyCheckpoint(ctx.project.name, name), codec);
  if (!existsSync(stackSettingsPath(ctx.project, name))) await updateStackSettings(ctx.project, name, {});
  await selectStack(ctx.project, name);
  out(`Created stack "${name}" (selected).`);
  return 0;
}

export async function stackLs(g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const current = await selectedStack(ctx.project);
  const stacks = await ctx.backend.list();
  if (g.json) {
    out(JSON.stringify(await Promise.all(stacks.map(async (s) => ({ name: s, current: s === current, resources: await count(ctx, s) })))));
    return 0;
  }
  out("NAME".padEnd(24) + "RESOURCES");
  for (const s of stacks) out(`${(s + (s === current ? "*" : "")).padEnd(24)}${await count(ctx, s)}`);
  return 0;
}

async function count(ctx: Context, stack: string): Promise<number> {
  return (await ctx.backend.load(stack, new CheckpointCodec(CheckpointCodec.masked))).resources.length;
}

export async function stackSelect(name: string, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  await resolveStack({ ...ctx, opts: { ...g, stack: name } });
  await selectStack(ctx.project, name);
  out(`Selected stack "${name}".`);
  return 0;
}

export async function stackRm(name: string, force: boolean, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  await resolveStack({ ...ctx, opts: { ...g, stack: name } });
  const lock = await ctx.backend.lock(name, "drydock stack rm");
  try {
    const n = await count(ctx, name);
    if (n > 0 && !force) {
      throw new DrydockError("input", `stack "${name}" still has ${n} resources: run \`drydock destroy\` first, or pass --force to forget them`);
    }
    // Kept so that a mistaken `stack rm --force` can be undone (`stack init`, then `stack restore`).
    await ctx.backend.history(name).keep(await ctx.backend.readText(name), "stack rm");
    await ctx.backend.remove(name);
    await rm(stackSettingsPath(ctx.project, name), { force: true });
    if ((await selectedStack(ctx.project)) === name) await rm(`${ctx.project.dir}/.drydock/workspace.json`, { force: true });
  } finally {
    await lock.release();
  }
  out(`Removed stack "${name}".`);
  return 0;
}

export async function stackOutput(name: string | undefined, showSecrets: boolean, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const settings = await loadStackSettings(ctx.project, stack);
  const crypter = new StackCrypter(ctx.project, stack, settings, passphrase(g));
  const codec = new CheckpointCodec(showSecrets ? crypter.get : CheckpointCodec.masked);
  const cp = await ctx.backend.load(stack, codec);
  const shown = (m: PropertyMap): Record<string, unknown> =>
    (showSecrets ? reveal(m) : display(m)) as Record<string, unknown>;
  const outputs = shown(cp.outputs);
  if (name !== undefined) {
    if (!(name in outputs)) throw new DrydockError("input", `stack "${stack}" has no output "${name}" (outputs: ${Object.keys(outputs).join(", ") || "none"})`);
    const v = outputs[name];
    out(g.json ? JSON.stringify(v) : typeof v === "string" ? v : JSON.stringify(v, null, 2));
    return 0;
  }
  if (g.json) out(JSON.stringify(outputs, null, 2));
  else for (const k of Object.keys(outputs).sort()) out(`${k.padEnd(24)}${JSON.stringify(outputs[k])}`);
  return 0;
}

export async function stackUnlock(force: boolean, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const path = ctx.backend.lockPath(stack);
  const held = await readLock(path);
  if (!held) {
    out(`Stack "${stack}" is not locked.`);
    return 0;
  }
  const d = describeLock(held);
  if (!d.stale && !force) {
    throw new DrydockError("input", `stack "${stack}" is locked by ${d.text}, which may still be running: pass --force to break the lock anyway`);
  }
  await rm(path, { force: true });
  out(`Broke the lock on stack "${stack}" held by ${d.text}.`);
  return 0;
}
