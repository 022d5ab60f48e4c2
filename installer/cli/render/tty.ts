/** On a terminal: a listr2 task that shows what is running and what it waits for. */
import { Listr, type ListrTaskWrapper } from "listr2";
import type { EngineEvent } from "../../engine/events.js";
import { ing } from "./format.js";
import { PlainReporter, type Reporter } from "./plain.js";

export class TtyReporter implements Reporter {
  private readonly running = new Map<string, string>();
  private readonly buffered: EngineEvent[] = [];
  private task: ListrTaskWrapper<unknown, never, never> | undefined;
  private finish!: () => void;
  private readonly listr: Promise<unknown>;
  private started = 0;
  private finished = 0;

  constructor(
    private readonly title: string,
    private readonly after: PlainReporter,
  ) {
    const finished = new Promise<void>((r) => (this.finish = r));
    this.listr = new Listr(
      [
        {
          title,
          rendererOptions: { outputBar: true },
          task: async (_ctx, task) => {
            this.task = task as never;
            await finished;
          },
        },
      ],
      { exitOnError: false },
    ).run();
  }

  event(e: EngineEvent): void {
    if (e.type === "step" && e.phase === "start") {
      this.started++;
      this.running.set(e.urn, `${ing(e.op)} ${e.resourceType} ${e.name}`);
    } else if (e.type === "step" && (e.phase === "done" || e.phase === "failed")) {
      if (this.running.delete(e.urn)) this.finished++;
      this.buffered.push(e);
    } else if (e.type === "progress") {
      const base = this.running.get(e.urn)?.split(": ")[0];
      if (base) this.running.set(e.urn, `${base}: ${e.message}`);
    } else {
      this.buffered.push(e);
    }
    if (this.task) {
      this.task.title = `${this.title} (${this.finished}/${this.started} steps done)`;
      const now = [...this.running.values()];
      this.task.output = now.length > 3 ? `${now.slice(0, 3).join("; ")} (+${now.length - 3} more)` : now.join("; ");
    }
  }

  async close(): Promise<void> {
    this.finish();
    await this.listr;
    for (const e of this.buffered) this.after.event(e);
  }
}
