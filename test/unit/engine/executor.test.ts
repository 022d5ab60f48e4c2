/** The executor after failures and timeouts: what the checkpoint says must match what the provider really did. */
import { slots } from "../../../installer/engine/slots.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PartialResultError, type ProviderContext, type ResourceProvider } from "../../../sdk/index.js";
import type { PropertyMap } from "../../../sdk/internal.js";
import { decide } from "../../../installer/engine/decide.js";
import type { DrydockError } from "../../../installer/engine/errors.js";
import type { EngineEvent } from "../../../installer/engine/events.js";
import { Executor, type StepSpec } from "../../../installer/engine/executor.js";
import { Redactor } from "../../../installer/engine/redact.js";
import { ProviderRegistry } from "../../../installer/engine/registry.js";
import type { Checkpoint, ResourceState } from "../../../installer/engine/state/types.js";
import { WorkingState } from "../../../installer/engine/working-state.js";

const TYPE = "t:m:T";
const urn = (name: string): string => `urn:drydock:s::p::${TYPE}::${name}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once the call's signal is aborted. */
const aborted = (ctx: ProviderContext): Promise<void> => new Promise((r) => ctx.signal.addEventListener("abort", () => r()));

function spec(name: string, inputs: PropertyMap, timeouts: StepSpec["timeouts"] = {}): StepSpec {
  return {
    urn: urn(name), type: TYPE, name, parent: undefined, dependencies: [], inputs, diffs: [], replaces: [], stables: [],
    protect: false, retainOnDelete: false, additionalSecretOutputs: [], timeouts,
  };
}

function res(name: string, id: string, extra: Partial<ResourceState> = {}): ResourceState {
  return { urn: urn(name), type: TYPE, custom: true, id, inputs: { v: name }, outputs: { v: name }, dependencies: [], ...extra };
}

/** An executor over a fake provider; `saved()` is the checkpoint the pass's final write saves. */
function setup(provider: ResourceProvider, resources: ResourceState[] = []) {
  const registry = new ProviderRegistry();
  registry.register(TYPE, provider);
  let saved: Checkpoint | undefined;
  const state = new WorkingState({ project: "p", stack: "s", resources, outputs: {}, pending: [] }, async (cp) => {
    saved = cp;
  });
  const events: EngineEvent[] = [];
  const failures: DrydockError[] = [];
  const executor = new Executor({
    dryRun: false, state, registry, events: (e) => events.push(e), redactor: new Redactor(), limit: slots(4),
    onFailure: (e) => failures.push(e), stopped: () => false,
  });
  const final = async (): Promise<Checkpoint> => {
    await state.flush();
    return saved!;
  };
  return { executor, state, events, failures, saved: final };
}

/** Runs a step that is expected to fail, returning its error message. */
async function fails(step: Promise<unknown>, failures: DrydockError[]): Promise<string> {
  await expect(step).rejects.toThrow();
  expect(failures).toHaveLength(1);
  return failures[0]!.message;
}

describe("Executor after a timeout", () => {
  beforeEach(() => vi.stubEnv("DRYDOCK_CANCEL_GRACE", "2s"));
  afterEach(() => vi.unstubAllEnvs());

  it("records a create that finishes after its deadline, and still fails the step", async () => {
    const s = setup({
      async create(i, ctx) {
        await aborted(ctx);
        await sleep(100); // ignores the abort and finishes the job
        return { id: "made", outs: { extra: 1, v: i.v } };
      },
    });
    const message = await fails(s.executor.create(spec("a", { v: "a" }, { create: 50 })), s.failures);
    expect(message).toMatch(/timed out after 0\.05s \(customTimeouts\.create\); it finished \d+(\.\d)?s later; its result is recorded in state/);
    expect((await s.saved()).pending).toEqual([]);
    expect((await s.saved()).resources).toMatchObject([{ urn: urn("a"), id: "made", outputs: { v: "a", extra: 1 } }]);
  });

  it("keeps the pending record of a create still running after the grace period", async () => {
    vi.stubEnv("DRYDOCK_CANCEL_GRACE", "100ms");
    const s = setup({ create: () => new Promise(() => {}), idFor: () => "known-id" });
    const message = await fails(s.executor.create(spec("a", { v: "a" }, { create: 50 })), s.failures);
    expect(message).toContain("timed out after 0.05s (customTimeouts.create) and was still running 0.1s later; its pending record is kept so the next run reconciles it");
    expect((await s.saved()).pending).toMatchObject([{ op: "create", urn: urn("a"), id: "known-id", inputs: { v: "a" } }]);
    expect((await s.saved()).resources).toEqual([]);
  });

  it("waits for a provider that cleans up after its deadline, then drops the pending record", async () => {
    let cleanedUp = false;
    const s = setup({
      async create(_i, ctx) {
        await aborted(ctx);
        await sleep(150);
        cleanedUp = true;
        throw new Error("cancelled; removed the half-made thing");
      },
    });
    const message = await fails(s.executor.create(spec("a", { v: "a" }, { create: 50 })), s.failures);
    expect(cleanedUp).toBe(true);
    expect(message).toContain("timed out after 0.05s (customTimeouts.create); it then stopped: cancelled; removed the half-made thing");
    expect((await s.saved()).pending).toEqual([]);
    expect((await s.saved()).resources).toEqual([]);
  });

  it("keeps the resource and its pending update when an update never stops", async () => {
    vi.stubEnv("DRYDOCK_CANCEL_GRACE", "100ms");
    const s = setup({ create: async () => ({ id: "x" }), update: () => new Promise(() => {}) }, [res("a", "id-a")]);
    await fails(s.executor.update(spec("a", { v: "new" }, { update: 50 }), res("a", "id-a")), s.failures);
    expect((await s.saved()).pending).toMatchObject([{ op: "update", urn: urn("a"), id: "id-a", inputs: { v: "new" } }]);
    expect((await s.saved()).resources).toMatchObject([{ id: "id-a", inputs: { v: "a" } }]);
  });

  it("refuses a grace period that is not a duration before anything runs, naming the variable", () => {
    vi.stubEnv("DRYDOCK_CANCEL_GRACE", "soon");
    expect(() => setup({ create: async () => ({ id: "x" }) })).toThrow(
      'DRYDOCK_CANCEL_GRACE: "soon" is not a duration (use forms like "90s", "5m", "1h30m")',
    );
  });

  it("keeps the resource when its delete never stops, and forgets it when a late delete finishes", async () => {
    vi.stubEnv("DRYDOCK_CANCEL_GRACE", "100ms");
    const hung = setup({ create: async () => ({ id: "x" }), delete: () => new Promise(() => {}) }, [res("a", "id-a", { deleteTimeout: 50 })]);
    await fails(hung.executor.delete(hung.state.current.get(urn("a"))!), hung.failures);
    expect((await hung.saved()).resources.map((r) => r.id)).toEqual(["id-a"]);
    expect((await hung.saved()).pending).toMatchObject([{ op: "delete", id: "id-a" }]);

    const late = setup(
      { create: async () => ({ id: "x" }), delete: async (_id, _p, ctx) => { await aborted(ctx); await sleep(20); } },
      [res("a", "id-a", { deleteTimeout: 50 })],
    );
    await fails(late.executor.delete(late.state.current.get(urn("a"))!), late.failures);
    expect((await late.saved()).resources).toEqual([]);
    expect((await late.saved()).pending).toEqual([]);
  });
});

describe("Executor with partial results", () => {
  /** A provider whose create gets half-way, as an etcd scale-out whose second member fails. */
  function halfway() {
    const updates: { olds: Record<string, unknown>; news: Record<string, unknown> }[] = [];
    const provider: ResourceProvider = {
      async create(i) {
        throw new PartialResultError("member b failed to start", { ...i, members: ["a"] }, "cluster-1");
      },
      async update(_id, olds, news) {
        updates.push({ olds, news });
        return { outs: { ...news, members: ["a", "b"] } };
      },
    };
    return { provider, updates };
  }

  it("records what a create made part-way, then finishes it with an update that clears initErrors", async () => {
    const { provider, updates } = halfway();
    const first = setup(provider);
    const message = await fails(first.executor.create(spec("c", { want: ["a", "b"] })), first.failures);
    expect(message).toContain("create failed: member b failed to start; what it made is recorded in state, and the next run finishes it");
    expect((await first.saved()).pending).toEqual([]);
    const recorded = (await first.saved()).resources[0]!;
    expect(recorded).toMatchObject({ id: "cluster-1", inputs: { want: ["a", "b"] }, outputs: { members: ["a"] }, initErrors: ["member b failed to start"] });

    // The next run: same inputs, yet an update with the partial outputs as olds.
    const d = await decide(provider, recorded, { want: ["a", "b"] }, {});
    expect(d.op).toBe("update");
    expect(d.note).toBe("finishing an operation that failed part-way: member b failed to start");
    const next = setup(provider, [recorded]);
    const st = await next.executor.update({ ...spec("c", d.inputs), note: d.note }, recorded);
    expect(updates).toEqual([{ olds: { want: ["a", "b"], members: ["a"] }, news: { want: ["a", "b"] } }]);
    expect(st.initErrors).toBeUndefined();
    expect((await next.saved()).resources).toMatchObject([{ outputs: { members: ["a", "b"] } }]);
    expect((await next.saved()).resources[0]!.initErrors).toBeUndefined();
  });

  it("a replacement made part-way takes the entry, and the original stays condemned so it is still deleted", async () => {
    const original = res("a", "old-id");
    const s = setup({ async create(i) { throw new PartialResultError("half", { ...i }, "new-id"); } }, [original]);
    await fails(s.executor.replace(spec("a", { v: "new" }), original, false), s.failures);
    const saved = (await s.saved()).resources.map((r) => [r.id, r.pendingDelete ?? false, r.initErrors]);
    expect(saved).toEqual([["new-id", false, ["half"]], ["old-id", true, undefined]]);
  });

  it("records what an update made part-way, with the new inputs", async () => {
    const s = setup(
      {
        create: async () => ({ id: "x" }),
        async update(_id, _olds, news) {
          throw new PartialResultError("moved 1 of 2", { ...news, moved: 1 });
        },
      },
      [res("a", "id-a")],
    );
    await fails(s.executor.update(spec("a", { v: "new" }), res("a", "id-a")), s.failures);
    expect((await s.saved()).resources).toMatchObject([{ id: "id-a", inputs: { v: "new" }, outputs: { v: "new", moved: 1 }, initErrors: ["moved 1 of 2"] }]);
    expect((await s.saved()).pending).toEqual([]);
  });

  it("a preview shows the finishing update, and a provider without update replaces instead", async () => {
    const recorded = res("a", "id-a", { initErrors: ["half"] });
    const withUpdate = await decide({ create: async () => ({ id: "x" }), update: async () => ({}) }, recorded, { v: "a" }, {});
    expect([withUpdate.op, withUpdate.note]).toEqual(["update", "finishing an operation that failed part-way: half"]);
    const without = await decide({ create: async () => ({ id: "x" }) }, recorded, { v: "a" }, {});
    expect(without.op).toBe("replace");
    const clean = await decide({ create: async () => ({ id: "x" }), update: async () => ({}) }, res("a", "id-a"), { v: "a" }, {});
    expect(clean.op).toBe("same");
  });
});

describe("Executor delete of a shared id", () => {
  const shared = (idIsIdentity: boolean) => {
    const deleted: string[] = [];
    const provider: ResourceProvider = {
      idIsIdentity,
      create: async () => ({ id: "x" }),
      async delete(_id, props) {
        deleted.push(String(props.v));
      },
    };
    const s = setup(provider, [res("green", "main"), res("blue", "main")]);
    return { s, deleted };
  };

  it("deletes for real when the provider does not say an id is the thing's identity", async () => {
    const { s, deleted } = shared(false);
    await s.executor.delete(s.state.current.get(urn("blue"))!);
    expect(deleted).toEqual(["blue"]);
    expect((await s.saved()).resources.map((r) => r.urn)).toEqual([urn("green")]);
  });

  it("only drops from state when the provider says one id is one thing", async () => {
    const { s, deleted } = shared(true);
    await s.executor.delete(s.state.current.get(urn("blue"))!);
    expect(deleted).toEqual([]);
    expect(s.events.some((e) => e.type === "step" && e.note === `only dropped from state: ${urn("green")} now holds main`)).toBe(true);
  });
});
