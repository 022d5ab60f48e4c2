/** --events FILE: the JSON event stream next to normal output. */
import { closeSync, openSync, writeSync } from "node:fs";
import type { EngineEvent } from "../../engine/events.js";
import type { Reporter } from "./plain.js";

export class EventsFileReporter implements Reporter {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, "a", 0o600);
  }

  event(e: EngineEvent): void {
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {
    closeSync(this.fd);
  }
}
