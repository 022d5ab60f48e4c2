/**
 * Checkpoint history: before a pass first changes a stack's checkpoint, the
 * previous one is copied, byte for byte (secrets stay encrypted), into
 * `history/<project>/<stack>/<time>-<operation>.json` (0600, folder 0700).
 * The newest HISTORY_KEEP copies are kept.
 */
import { chmod, mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { isSecret } from "../../../sdk/internal.js";
import type { Checkpoint } from "./types.js";

/**
 * How many copies are kept per stack. Only passes that change something add
 * one, so 20 reaches back over days of ordinary work (and past a bad `destroy`
 * followed by a few failed retries), while a stack's history stays within
 * twenty times the size of its checkpoint.
 */
export const HISTORY_KEEP = 20;

export interface HistoryEntry {
  /** The file name without `.json`: what `drydock stack restore` takes. */
  readonly id: string;
  readonly path: string;
  /** When the copy was taken (ISO 8601). */
  readonly time: string;
  /** The command whose change replaced this checkpoint. */
  readonly operation: string;
}

const NAME = /^(\d{8}T\d{6}\.\d{3}Z)-([a-z-]+?)(?:-\d+)?\.json$/;

/** 2026-12-05T07:59:09.239Z → 20261205T075909.239Z: sorts by time and is safe in a file name. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "");
}

function isoOf(s: string): string {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13)}`;
}

export class StateHistory {
  constructor(private readonly dir: string) {}

  async list(): Promise<HistoryEntry[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const entries: HistoryEntry[] = [];
    for (const f of files.sort().reverse()) {
      const m = NAME.exec(f);
      if (m) entries.push({ id: f.slice(0, -5), path: join(this.dir, f), time: isoOf(m[1]!), operation: m[2]!.replace(/-/g, " ") });
    }
    return entries;
  }

  async find(id: string): Promise<HistoryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id || `${e.id}.json` === id);
  }

  /** Keeps `text` (the checkpoint as it was) as the newest copy, then drops the oldest beyond HISTORY_KEEP. */
  async keep(text: string, operation: string, now = new Date()): Promise<HistoryEntry> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const base = `${stamp(now)}-${operation.replace(/^drydock /, "").replace(/[^a-z]+/g, "-")}`;
    for (let n = 0; ; n++) {
      const name = `${base}${n ? `-${n}` : ""}.json`;
      try {
        const fh = await open(join(this.dir, name), "wx", 0o600);
        try {
          await fh.chmod(0o600);
          await fh.writeFile(text, "utf8");
          await fh.sync();
        } finally {
          await fh.close();
        }
        await this.prune();
        return (await this.find(name))!;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
    }
  }

  async read(entry: HistoryEntry): Promise<string> {
    return readFile(entry.path, "utf8");
  }

  private async prune(): Promise<void> {
    for (const old of (await this.list()).slice(HISTORY_KEEP)) await rm(old.path, { force: true });
  }
}

/**
 * Whether two checkpoints hold the same things. Secrets compare by value and
 * secretness, not ciphertext: a refresh that reads a secret back re-encrypts
 * it under a fresh IV without changing anything worth a history copy.
 */
export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  const canonical = (cp: Checkpoint): string => JSON.stringify(cp, (_k, v: unknown) => (isSecret(v) ? { $secret: v.value } : v));
  return canonical(a) === canonical(b);
}
