/** A vitest reporter that ends the run with one plain line: "N passed, N failed, N skipped". */
import type { Reporter, TestModule } from "vitest/node";

export default class PlainSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const n = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const m of modules) {
      for (const t of m.children.allTests()) n[t.result().state]++;
      if (m.state() === "failed" && [...m.children.allTests()].length === 0) n.failed++;
    }
    process.stdout.write(`\ntests: ${n.passed} passed, ${n.failed} failed, ${n.skipped + n.pending} skipped\n`);
  }
}
