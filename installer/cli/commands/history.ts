/** drydock stack history | restore: the checkpoints a stack's passes replaced, and putting one back. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { DrydockError } from "../../engine/errors.js";
import { CheckpointCodec } from "../../engine/state/codec.js";
import type { HistoryEntry } from "../../engine/state/history.js";
import { openProject, resolveStack, type GlobalOptions } from "../context.js";
import { out } from "../output.js";

/** A copy's resource count, read without the passphrase ("?" if the file is damaged). */
function resourceCount(text: string): number | "?" {
  try {
    const r = (JSON.parse(text) as { resources?: unknown }).resources;
    return Array.isArray(r) ? r.length : "?";
  } catch {
    return "?";
  }
}

export async function stackHistory(g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const history = ctx.backend.history(stack);
  const rows = await Promise.all(
    (await history.list()).map(async (e) => ({ id: e.id, time: e.time, operation: e.operation, resources: resourceCount(await history.read(e)) })),
  );
  if (g.json) {
    out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    out(`Stack "${stack}" has no history yet: a copy is kept each time a pass changes its checkpoint.`);
    return 0;
  }
  out(`${"ID".padEnd(32)}${"TAKEN".padEnd(26)}${"BEFORE".padEnd(12)}RESOURCES`);
  for (const r of rows) out(`${r.id.padEnd(32)}${r.time.padEnd(26)}${r.operation.padEnd(12)}${r.resources}`);
  return 0;
}

/**
 * Puts back a copy from the stack's history (by id) or a checkpoint file, under
 * the stack's lock. The checkpoint it replaces goes to history first, so a
 * restore can itself be undone.
 */
export async function stackRestore(ref: string, file: string, g: GlobalOptions): Promise<number> {
  const ctx = await openProject(g);
  const stack = await resolveStack(ctx);
  const history = ctx.backend.history(stack);
  const lock = await ctx.backend.lock(stack, "drydock stack restore");
  try {
    const entry: HistoryEntry | undefined = await history.find(ref);
    const path = entry?.path ?? (existsSync(file) ? file : undefined);
    if (!path) {
      throw new DrydockError("input", `stack restore: "${ref}" is neither a copy in the history of stack "${stack}" nor a file: list the copies with \`drydock stack history\``);
    }
    const text = await readFile(path, "utf8");
    let cp;
    try {
      cp = new CheckpointCodec(CheckpointCodec.masked).decode(text, path);
    } catch (e) {
      throw new DrydockError("input", `stack restore: ${(e as Error).message}`);
    }
    if (cp.project !== ctx.project.name || cp.stack !== stack) {
      throw new DrydockError(
        "input",
        `stack restore: ${path} is a checkpoint of stack "${cp.stack}" of project "${cp.project}", not of stack "${stack}" of project "${ctx.project.name}"`,
      );
    }
    const current = await ctx.backend.readText(stack);
    if (current === text) {
      out(`Stack "${stack}" already has this checkpoint: nothing to restore.`);
      return 0;
    }
    const kept = await history.keep(current, "restore");
    await ctx.backend.saveText(stack, text);
    out(`Restored stack "${stack}" from ${entry?.id ?? path} (${cp.resources.length} resources).`);
    out(`The checkpoint it replaced is kept as ${kept.id}: \`drydock stack restore ${kept.id}\` undoes this.`);
    return 0;
  } finally {
    await lock.release();
  }
}
