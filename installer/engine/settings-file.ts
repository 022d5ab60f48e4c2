/**
 * Changes to a stack's settings file (drydock.<stack>.yaml) made on the file
 * as it is now, through the yaml Document API: only the keys a command
 * changes are touched, and comments and the user's layout are kept.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isMap, isScalar, type Document, type YAMLMap } from "yaml";
import { DrydockError } from "./errors.js";
import { checkStackSettings, parseYamlDocument, stackSettingsPath, type Project } from "./project.js";
import { writeFileAtomic } from "../util/atomic.js";

export interface SettingsChange {
  /** A salt made by this command: refused if the file already has another one. */
  readonly encryptionsalt?: string | undefined;
  /** Config values to set, by full key (`ns:key`). */
  readonly set?: Readonly<Record<string, unknown>> | undefined;
  /** Config keys to remove. */
  readonly remove?: readonly string[] | undefined;
}

async function readDocument(file: string): Promise<{ doc: Document; top: YAMLMap }> {
  const doc = parseYamlDocument(existsSync(file) ? await readFile(file, "utf8") : "", file);
  checkStackSettings(doc.toJS() ?? {}, file);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  return { doc, top: doc.contents as YAMLMap };
}

/**
 * Applies `change` to the file as it is on disk now (the caller holds the
 * stack's lock), so a value another command set since is never written back
 * over with a stale copy.
 */
export async function updateStackSettings(project: Project, stack: string, change: SettingsChange): Promise<void> {
  const file = stackSettingsPath(project, stack);
  const { doc, top } = await readDocument(file);
  if (change.encryptionsalt !== undefined) {
    const had = doc.get("encryptionsalt");
    if (had !== undefined && had !== change.encryptionsalt) {
      throw new DrydockError("failed", `${file}: encryptionsalt was set by another command while this one ran; its secrets cannot be saved with a different salt`);
    }
    if (had === undefined) top.items.push(doc.createPair("encryptionsalt", change.encryptionsalt));
  }
  let config = doc.get("config", true);
  if (!isMap(config)) {
    config = doc.createNode({});
    doc.set("config", config);
  }
  const map = config as YAMLMap;
  // A key already there keeps its place (and its comments); a new one goes last.
  for (const [k, v] of Object.entries(change.set ?? {})) {
    const node = map.get(k, true);
    // A scalar changed in place keeps the comment on its line.
    if (isScalar(node) && (v === null || typeof v !== "object")) node.value = v;
    else map.set(k, doc.createNode(v));
  }
  for (const k of change.remove ?? []) map.delete(k);
  await writeFileAtomic(file, doc.toString(), 0o644);
}
