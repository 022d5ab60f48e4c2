/** The pass's concurrency limit: first come first served, early steps first, a lent slot. */
import { describe, expect, it } from "vitest";
import { slots } from "../../../installer/engine/slots.js";

const gate = () => {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
};

describe("slots", () => {
  it("runs at most `concurrency` at once, and an early step before ordinary ones already waiting", async () => {
    const run = slots(1);
    const order: string[] = [];
    const g = gate();
    const first = run(async () => { order.push("first"); await g.p; });
    const a = run(async () => { order.push("a"); });
    const b = run(async () => { order.push("b"); });
    const e = run.early(async () => { order.push("early"); });
    expect([run.activeCount, run.pendingCount]).toEqual([1, 3]);
    g.open();
    await Promise.all([first, a, b, e]);
    expect(order).toEqual(["first", "early", "a", "b"]);
  });

  it("a raised concurrency starts a waiting step at once; a failure frees its slot", async () => {
    const run = slots(1);
    const g = gate();
    const held = run(() => g.p);
    let started = false;
    const next = run(async () => { started = true; });
    await Promise.resolve();
    expect(started).toBe(false);
    run.concurrency += 1;
    await next;
    expect(started).toBe(true);
    run.concurrency -= 1;
    g.open();
    await held;
    await expect(run(async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    await expect(run(async () => 42)).resolves.toBe(42);
  });
});
