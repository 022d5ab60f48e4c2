/** --events FILE: the JSON event stream next to normal output. */
import { closeSync, openSync, writeSync } from "node:fs";
import { DrydockError } from "../../engine/errors.js";
import type { EngineEvent } from "../../engine/events.js";
import type { Reporter } from "./plain.js";

export class EventsFileReporter implements Reporter {
  private readonly fd: number;

  private constructor(fd: number) {
    this.fd = fd;
  }

  static open(path: string): EventsFileReporter {
    try {
      return new EventsFileReporter(openSync(path, "a", 0o600));
    } catch (e) {
      throw new DrydockError("input", `--events ${path}: ${(e as Error).message}`);
    }
  }

  event(e: EngineEvent): void {
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {
    closeSync(this.fd);
  }
}
