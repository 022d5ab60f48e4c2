/** Plain lines for previews and runs without a terminal (and the plan before a prompt). */
import { urnName } from "../../../sdk/internal.js";
import type { EngineEvent } from "../../engine/events.js";
import { GLYPH, diffLines, duration, ing, past, summaryLine, value } from "./format.js";

export interface Reporter {
  event(e: EngineEvent): void;
  /** Called once the operation has ended (after any listr2 output is done). */
  close(): Promise<void>;
}

export interface PlainOptions {
  readonly showDiffs: boolean;
  readonly write: (line: string) => void;
}

export class PlainReporter implements Reporter {
  private dryRun = false;

  constructor(private readonly o: PlainOptions) {}

  event(e: EngineEvent): void {
    const w = this.o.write;
    switch (e.type) {
      case "prelude": {
        this.dryRun = e.dryRun;
        const what = e.operation === "destroy" ? "destroy" : e.operation === "refresh" ? "refresh" : "update";
        w(`${e.dryRun ? "Previewing" : "Running"} ${what} of stack ${e.stack} (project ${e.project}):`);
        break;
      }
      case "step": {
        if (e.op === "same" && !e.note) break;
        const head = ` ${GLYPH[e.op]} ${e.resourceType}  ${e.name}`;
        const note = e.note ? `  (${e.note})` : "";
        if (e.phase === "plan") {
          const props = !this.o.showDiffs && e.diffs?.length ? `  [${[...new Set(e.diffs.map((d) => d.path.split(".")[0]))].join(", ")}]` : "";
          w(`${head}  ${e.op}${props}${note}${e.error ? `\n     ✖ ${e.error}` : ""}`);
          if (this.o.showDiffs) for (const d of e.diffs ?? []) for (const l of diffLines(d)) w(`      ${l}`);
        } else if (e.phase === "start") {
          w(`${head}  ${ing(e.op)}...`);
        } else if (e.phase === "done") {
          w(`${head}  ${past(e.op)}${e.durationMs !== undefined ? ` (${duration(e.durationMs)})` : ""}${note}`);
          if (this.o.showDiffs) for (const d of e.diffs ?? []) for (const l of diffLines(d)) w(`      ${l}`);
        } else {
          w(` ✖ ${e.resourceType}  ${e.name}  ${e.error ?? "failed"}`);
        }
        break;
      }
      case "progress":
        w(`    ${urnName(e.urn)}: ${e.message}`);
        break;
      case "diag":
        w(`${e.severity}: ${e.urn ? `${e.urn}: ` : ""}${e.message}`);
        break;
      case "outputs": {
        const keys = Object.keys(e.outputs);
        if (keys.length === 0 && e.diffs.length === 0) break;
        w("Outputs:");
        const changed = new Map(e.diffs.map((d) => [d.path.split(".")[0]!, d]));
        for (const k of keys.sort()) {
          const d = changed.get(k);
          w(`  ${d ? (d.kind === "add" ? "+" : "~") : " "} ${k}: ${value(e.outputs[k])}`);
        }
        for (const d of e.diffs) if (d.kind === "delete" && !keys.includes(d.path.split(".")[0]!)) w(`  - ${d.path}`);
        break;
      }
      case "summary":
        w(summaryLine(e.counts, this.dryRun));
        w(`Duration: ${duration(e.durationMs)}`);
        break;
    }
  }

  async close(): Promise<void> {}
}

/** NDJSON: one event per line. */
export class JsonReporter implements Reporter {
  constructor(private readonly write: (line: string) => void) {}

  event(e: EngineEvent): void {
    this.write(JSON.stringify(e));
  }

  async close(): Promise<void> {}
}

/** Sends each event to several reporters. */
export class TeeReporter implements Reporter {
  constructor(private readonly all: readonly Reporter[]) {}

  event(e: EngineEvent): void {
    for (const r of this.all) r.event(e);
  }

  async close(): Promise<void> {
    for (const r of this.all) await r.close();
  }
}
