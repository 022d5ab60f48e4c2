// drydock's state checkpoints as seen from outside: each one is written to a
// temp file (`.<stack>.json.<pid>.<hex>.tmp`), fsync'd and renamed into place
// (installer/util/atomic.ts). Watching the stack's directory (inotify) times
// every write from the temp file's creation to its rename: the file half of a
// checkpoint (encoding it happens before, and is not in this figure).
import { watch } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * Starts watching `dir` for checkpoints of `stack`; stop() returns { writes,
 * seconds (sum of the writes' durations), spans ([start, end] performance.now()) }.
 */
export function watchCheckpoints(dir, stack) {
  const started = new Map();
  const spans = [];
  const watcher = watch(dir, (type, name) => {
    const t = performance.now();
    if (type !== "rename" || !name?.startsWith(`.${stack}.json.`) || !name.endsWith(".tmp")) return;
    // A temp name is renamed twice: created, then renamed away (its writes and chmod are "change").
    if (started.has(name)) {
      spans.push([started.get(name), t]);
      started.delete(name);
    } else started.set(name, t);
  });
  return {
    stop() {
      watcher.close();
      return { writes: spans.length, seconds: spans.reduce((s, [a, b]) => s + (b - a) / 1000, 0), spans };
    },
  };
}
