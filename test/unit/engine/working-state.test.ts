import { describe, expect, it } from "vitest";
import { WorkingState } from "../../../installer/engine/working-state.js";
import type { Checkpoint, ResourceState } from "../../../installer/engine/state/types.js";

function res(urn: string, dependencies: string[] = [], parent?: string, pendingDelete?: boolean): ResourceState {
  return { urn, type: "t:t:T", custom: true, inputs: {}, outputs: {}, dependencies, parent, pendingDelete };
}

function base(resources: ResourceState[] = []): Checkpoint {
  return { project: "p", stack: "s", resources, outputs: { o: 1 }, pending: [] };
}

/** A persist function whose writes finish only when released; times are ticks of one clock. */
function gatedPersist() {
  type Write = { started: number; finished?: number; release: () => void; urns: string[] };
  const writes: Write[] = [];
  let clock = 0;
  const tick = () => ++clock;
  const persist = (cp: Checkpoint) =>
    new Promise<void>((resolve) => {
      const w: Write = {
        started: tick(),
        urns: cp.resources.map((r) => r.urn),
        release: () => {
          w.finished ??= tick();
          resolve();
        },
      };
      writes.push(w);
    });
  return { persist, writes, tick };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("WorkingState.snapshot", () => {
  it("orders dependencies and parents before dependents", () => {
    const ws = new WorkingState(base([res("c", ["b"]), res("child", [], "parent"), res("b", ["a"]), res("parent"), res("a")]));
    const order = ws.snapshot().resources.map((r) => r.urn);
    expect(order).toHaveLength(5);
    const at = (u: string) => order.indexOf(u);
    expect(at("a")).toBeLessThan(at("b"));
    expect(at("b")).toBeLessThan(at("c"));
    expect(at("parent")).toBeLessThan(at("child"));
  });

  it("keeps resources condemned by a replacement, after what they depend on", () => {
    const ws = new WorkingState(base([res("x", ["dep"], undefined, true), res("x"), res("dep")]));
    const snap = ws.snapshot().resources;
    expect(snap).toHaveLength(3);
    expect(ws.condemned).toHaveLength(1);
    expect(snap.findIndex((r) => r.urn === "dep")).toBeLessThan(snap.findIndex((r) => r.pendingDelete));
  });

  it("survives a cycle in old state", () => {
    const ws = new WorkingState(base([res("p", ["q"]), res("q", ["p"])]));
    expect(ws.snapshot().resources.map((r) => r.urn).sort()).toEqual(["p", "q"]);
  });

  it("includes stack outputs, pending operations, project and stack", () => {
    const b = { ...base(), pending: [{ op: "delete" as const, urn: "u", type: "t:t:T", inputs: {} }] };
    const snap = new WorkingState(b).snapshot();
    expect(snap).toMatchObject({ project: "p", stack: "s", outputs: { o: 1 } });
    expect(snap.pending).toEqual(b.pending);
  });

  it("reflects resources added after construction", () => {
    const ws = new WorkingState(base([res("a")]));
    ws.current.set("b", res("b", ["a"]));
    expect(ws.snapshot().resources.map((r) => r.urn)).toEqual(["a", "b"]);
  });
});

describe("WorkingState.flush", () => {
  it("resolves at once without a persist function", async () => {
    await expect(new WorkingState(base()).flush()).resolves.toBeUndefined();
  });

  it("writes a snapshot of the current state", async () => {
    const g = gatedPersist();
    const ws = new WorkingState(base(), g.persist);
    ws.current.set("a", res("a"));
    const f = ws.flush();
    await settle();
    expect(g.writes).toHaveLength(1);
    expect(g.writes[0]!.urns).toEqual(["a"]);
    g.writes[0]!.release();
    await f;
  });

  it("coalesces calls made during a write into one more write", async () => {
    const g = gatedPersist();
    const ws = new WorkingState(base(), g.persist);
    const first = ws.flush();
    await settle();
    const during = [ws.flush(), ws.flush(), ws.flush()];
    await settle();
    expect(g.writes).toHaveLength(1);
    g.writes[0]!.release();
    await first;
    await settle();
    expect(g.writes).toHaveLength(2);
    g.writes[1]!.release();
    await Promise.all(during);
    await settle();
    expect(g.writes).toHaveLength(2);
  });

  it("every flush resolves only after a write that started after it was called", async () => {
    const g = gatedPersist();
    const ws = new WorkingState(base(), g.persist);
    const calls: { at: number; done?: number }[] = [];
    const flushNow = () => {
      const c: { at: number; done?: number } = { at: g.tick() };
      calls.push(c);
      void ws.flush().then(() => (c.done = g.tick()));
    };
    flushNow();
    for (let round = 0; round < 4; round++) {
      await settle();
      flushNow(); // during the write in flight
      g.writes.at(-1)!.release();
      flushNow(); // after it finished, before the next one starts
    }
    for (let i = 0; i < 20 && calls.some((c) => c.done === undefined); i++) {
      await settle();
      g.writes.at(-1)!.release();
    }
    expect(calls.every((c) => c.done !== undefined)).toBe(true);
    for (const c of calls) {
      const covering = g.writes.filter((w) => w.started > c.at && w.finished !== undefined && w.finished < c.done!);
      expect(covering.length, `flush called at ${c.at}, resolved at ${c.done}`).toBeGreaterThan(0);
    }
    expect(g.writes.length).toBeLessThan(calls.length);
  });

  it("a failed write rejects its waiters and every later flush", async () => {
    const ws = new WorkingState(base(), () => Promise.reject(new Error("disk full")));
    await expect(ws.flush()).rejects.toThrow("disk full");
    await expect(ws.flush()).rejects.toThrow("disk full");
  });

  it("a later write sees changes made while an earlier one was in flight", async () => {
    const g = gatedPersist();
    const ws = new WorkingState(base(), g.persist);
    const f1 = ws.flush();
    await settle();
    ws.current.set("late", res("late"));
    const f2 = ws.flush();
    g.writes[0]!.release();
    await f1;
    await settle();
    expect(g.writes[1]!.urns).toEqual(["late"]);
    g.writes[1]!.release();
    await f2;
  });
});
