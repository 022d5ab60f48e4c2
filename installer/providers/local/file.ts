/** local.File: written atomically with its mode; an edit outside drydock is drift. */
import { sha256Hex as sha256 } from "../../util/hash.js";
import { readFile, rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { checkWith, isUnknown, local, withFileMode, type ResourceProvider } from "./deps.js";
import { writeFileAtomic } from "../../util/atomic.js";

type Inputs = local.FileInputs;
interface Outputs extends Inputs {
  readonly sha256: string;
}


async function write(i: Inputs): Promise<Outputs> {
  const path = resolve(i.path);
  await writeFileAtomic(path, i.content, Number.parseInt(i.mode, 8), 0o755);
  return { ...i, path, sha256: sha256(i.content) };
}

export const fileProvider: ResourceProvider<Inputs, Outputs> = {
  async check(_olds, news, ctx) {
    return withFileMode(checkWith(local.FileArgsSchema, news), news, ctx);
  },

  idFor: (i) => resolve(i.path),
  idIsIdentity: true,

  async diff(_id, _olds, news, oldInputs) {
    const samePath = !isUnknown(news.path) && resolve(news.path) === resolve(oldInputs.path);
    const changes = !samePath || news.content !== oldInputs.content || news.mode !== oldInputs.mode;
    // Replacing the file at the same path must delete first, or the delete would remove the new file.
    return { changes, replaces: samePath ? [] : ["path"], deleteBeforeReplace: samePath };
  },

  async create(inputs) {
    const outs = await write(inputs);
    return { id: outs.path, outs };
  },

  async read(id, _props, inputs) {
    let content: string;
    let mode: number;
    try {
      [content, mode] = await Promise.all([readFile(id, "utf8"), stat(id).then((s) => s.mode & 0o777)]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    const m = `0${mode.toString(8).padStart(3, "0")}`;
    return {
      id,
      props: { path: id, content, mode: m, sha256: sha256(content) },
      inputs: { ...inputs, content, mode: m },
    };
  },

  async update(_id, _olds, news) {
    return { outs: await write(news) };
  },

  async delete(id) {
    await rm(id, { force: true });
  },
};
