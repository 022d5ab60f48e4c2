import { describe, expect, it } from "vitest";
import { deleteInOrder } from "../../../installer/engine/deletes.js";
import { SkippedError } from "../../../installer/engine/errors.js";
import type { ResourceState } from "../../../installer/engine/state/types.js";

function res(name: string, dependencies: string[] = [], parent?: string): ResourceState {
  return { urn: name, type: "t:t:T", custom: true, id: name, inputs: {}, outputs: {}, dependencies, parent };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake delete that waits a small random time and records start/end order. */
function recorder(fail: Record<string, Error> = {}) {
  const started: string[] = [];
  const finished: string[] = [];
  /** What had finished when each deletion started. */
  const doneAtStart: Record<string, string[]> = {};
  let running = 0;
  let maxRunning = 0;
  const del = async (r: ResourceState) => {
    started.push(r.urn);
    doneAtStart[r.urn] = [...finished];
    running++;
    maxRunning = Math.max(maxRunning, running);
    await sleep(Math.random() * 8);
    running--;
    if (fail[r.urn]) throw fail[r.urn];
    finished.push(r.urn);
  };
  return { del, started, finished, doneAtStart, maxRunning: () => maxRunning };
}

describe("deleteInOrder", () => {
  it("deletes dependents before their dependencies, whatever the input order", async () => {
    for (let i = 0; i < 10; i++) {
      // c -> b -> a (c depends on b, b on a); d depends on a and c
      const doomed = [res("a"), res("b", ["a"]), res("c", ["b"]), res("d", ["a", "c"])].sort(() => Math.random() - 0.5);
      const rec = recorder();
      await deleteInOrder(doomed, rec.del);
      const at = (u: string) => rec.finished.indexOf(u);
      expect(rec.finished).toHaveLength(4);
      expect(at("d")).toBeLessThan(at("c"));
      expect(at("c")).toBeLessThan(at("b"));
      expect(at("b")).toBeLessThan(at("a"));
      // a dependency does not even start before its dependents finished
      expect(rec.doneAtStart.a!.sort()).toEqual(["b", "c", "d"]);
      expect(rec.doneAtStart.d).toEqual([]);
    }
  });

  it("deletes children before their parent", async () => {
    const rec = recorder();
    await deleteInOrder([res("parent"), res("child1", [], "parent"), res("child2", [], "parent")], rec.del);
    expect(rec.finished.at(-1)).toBe("parent");
  });

  it("runs independent deletions concurrently", async () => {
    const rec = recorder();
    await deleteInOrder([res("x"), res("y"), res("z")], rec.del);
    expect(rec.finished.sort()).toEqual(["x", "y", "z"]);
    expect(rec.maxRunning()).toBe(3);
  });

  it("ignores dependencies on resources that are not being deleted", async () => {
    const rec = recorder();
    await deleteInOrder([res("a", ["kept"])], rec.del);
    expect(rec.finished).toEqual(["a"]);
  });

  it("does not delete a dependency when a dependent's deletion fails, and throws that failure", async () => {
    const boom = new Error("b would not go");
    const rec = recorder({ b: boom });
    const doomed = [res("a"), res("b", ["a"]), res("other")];
    await expect(deleteInOrder(doomed, rec.del)).rejects.toBe(boom);
    expect(rec.started).not.toContain("a");
    expect(rec.finished).toContain("other");
  });

  it("a failure skips the whole chain of dependencies above it", async () => {
    const rec = recorder({ c: new Error("c failed") });
    await expect(deleteInOrder([res("a"), res("b", ["a"]), res("c", ["b"])], rec.del)).rejects.toThrow("c failed");
    expect(rec.started).toEqual(["c"]);
  });

  it("never reports a SkippedError as the failure", async () => {
    const rec = recorder({ leaf: new Error("root cause") });
    const err = await deleteInOrder([res("base"), res("leaf", ["base"])], rec.del).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(SkippedError);
    expect((err as Error).message).toBe("root cause");
  });

  it("handles the old and new halves of a replacement that share a URN", async () => {
    const rec = recorder();
    const oldHalf = { ...res("r"), pendingDelete: true, id: "old" };
    const newHalf = { ...res("r"), id: "new" };
    await deleteInOrder([oldHalf, newHalf, res("dep", ["r"])], rec.del);
    expect(rec.finished[0]).toBe("dep");
    expect(rec.finished).toHaveLength(3);
  });

  it("terminates on a dependency cycle in old state, deleting both", async () => {
    const rec = recorder();
    await deleteInOrder([res("p", ["q"]), res("q", ["p"])], rec.del);
    expect(rec.finished.sort()).toEqual(["p", "q"]);
  });
});
