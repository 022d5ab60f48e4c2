/**
 * The file state backend: one checkpoint per stack, written atomically after
 * every completed step, with the copies it replaced in history/.
 * Default `<project>/.drydock/`, or DRYDOCK_BACKEND=file:///path.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DrydockError } from "../errors.js";
import { writeFileAtomic } from "../../util/atomic.js";
import type { CheckpointCodec } from "./codec.js";
import { StateHistory } from "./history.js";
import { StackLock } from "./lock.js";
import type { Checkpoint } from "./types.js";

export function backendRoot(projectDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DRYDOCK_BACKEND;
  if (!url) return join(projectDir, ".drydock");
  if (!url.startsWith("file:///")) {
    throw new DrydockError("input", `DRYDOCK_BACKEND "${url}" is not supported: use file:///absolute/path`);
  }
  return resolve(fileURLToPath(url));
}

export class FileBackend {
  constructor(
    readonly root: string,
    readonly project: string,
  ) {}

  statePath(stack: string): string {
    return join(this.root, "stacks", this.project, `${stack}.json`);
  }

  lockPath(stack: string): string {
    return join(this.root, "locks", this.project, `${stack}.json`);
  }

  history(stack: string): StateHistory {
    return new StateHistory(join(this.root, "history", this.project, stack));
  }

  async exists(stack: string): Promise<boolean> {
    return stat(this.statePath(stack)).then(() => true, () => false);
  }

  async list(): Promise<string[]> {
    try {
      const files = await readdir(join(this.root, "stacks", this.project));
      return files.filter((f) => f.endsWith(".json") && !f.startsWith(".")).map((f) => f.slice(0, -5)).sort();
    } catch {
      return [];
    }
  }

  async readText(stack: string): Promise<string> {
    try {
      return await readFile(this.statePath(stack), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        const known = await this.list();
        throw new DrydockError(
          "input",
          `stack "${stack}" does not exist${known.length ? ` (stacks: ${known.join(", ")})` : ""}: create it with \`drydock stack init ${stack}\``,
        );
      }
      throw e;
    }
  }

  async load(stack: string, codec: CheckpointCodec): Promise<Checkpoint> {
    return this.decode(stack, await this.readText(stack), codec);
  }

  /** A checkpoint from text already read (`readText`), errors naming the stack's state file. */
  decode(stack: string, text: string, codec: CheckpointCodec): Checkpoint {
    return codec.decode(text, this.statePath(stack));
  }

  async save(cp: Checkpoint, codec: CheckpointCodec): Promise<void> {
    await this.saveText(cp.stack, codec.encode(cp));
  }

  async saveText(stack: string, text: string): Promise<void> {
    await writeFileAtomic(this.statePath(stack), text);
  }

  /**
   * The writes of one pass (which holds the stack's lock): a write that would
   * not change the file is skipped, and the first one that changes what the
   * checkpoint holds (`changed`, asked only until a copy is kept) first keeps
   * the checkpoint the pass started from in history, so a pass that changes
   * nothing adds no copy. `startText` is the file as the pass read it.
   */
  passWriter(stack: string, operation: string, startText: string): (text: string, changed: () => boolean) => Promise<void> {
    let last = startText;
    let kept = false;
    return async (text, changed) => {
      if (text === last) return;
      if (!kept && changed()) {
        await this.history(stack).keep(last, operation);
        kept = true;
      }
      await this.saveText(stack, text);
      last = text;
    };
  }

  async remove(stack: string): Promise<void> {
    await rm(this.statePath(stack), { force: true });
  }

  lock(stack: string, command: string): Promise<StackLock> {
    return StackLock.acquire(this.lockPath(stack), stack, command);
  }
}
