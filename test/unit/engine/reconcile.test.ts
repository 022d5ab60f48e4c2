import { describe, expect, it } from "vitest";
import type { ResourceProvider } from "../../../sdk/index.js";
import { Secret } from "../../../sdk/internal.js";
import type { DrydockError } from "../../../installer/engine/errors.js";
import type { EngineEvent } from "../../../installer/engine/events.js";
import { reconcilePending } from "../../../installer/engine/reconcile.js";
import { ProviderRegistry } from "../../../installer/engine/registry.js";
import type { Checkpoint, PendingOperation, ResourceState } from "../../../installer/engine/state/types.js";
import { WorkingState } from "../../../installer/engine/working-state.js";

const URN = "urn:drydock:s::p::t:m:T::a";

/** A provider whose "real world" is a map of id → props. */
function world(real: Record<string, Record<string, unknown>>): ResourceProvider {
  return {
    async create() {
      throw new Error("not called");
    },
    async read(id) {
      const props = real[id];
      return props ? { id, props, inputs: { v: props.v } } : undefined;
    },
  };
}

function setup(pending: PendingOperation[], resources: ResourceState[], provider: ResourceProvider | undefined) {
  const registry = new ProviderRegistry();
  if (provider) registry.register("t:m:T", provider);
  const cp: Checkpoint = { project: "p", stack: "s", resources, outputs: {}, pending };
  const state = new WorkingState(cp);
  const events: EngineEvent[] = [];
  return { state, registry, events, run: () => reconcilePending(state, registry, (e) => events.push(e)) };
}

const warnings = (events: EngineEvent[]) => events.flatMap((e) => (e.type === "diag" ? [e.message] : []));

function res(id: string, v: string, extra: Partial<ResourceState> = {}): ResourceState {
  return { urn: URN, type: "t:m:T", custom: true, id, inputs: { v }, outputs: { v }, dependencies: [], ...extra };
}

describe("reconcilePending", () => {
  it("adopts an interrupted create that is found in place", async () => {
    const s = setup([{ op: "create", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "new" } }], [], world({ "id-1": { v: "new", extra: 1 } }));
    expect(await s.run()).toBe(1);
    expect(s.state.pending.size).toBe(0);
    expect(s.state.current.get(URN)).toMatchObject({ id: "id-1", inputs: { v: "new" }, outputs: { v: "new", extra: 1 } });
    expect(warnings(s.events)[0]).toContain("found in place (id id-1) and adopted");
  });

  it("drops an interrupted create that left nothing behind", async () => {
    const s = setup([{ op: "create", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "new" } }], [], world({}));
    await s.run();
    expect(s.state.current.has(URN)).toBe(false);
    expect(warnings(s.events)[0]).toContain("left nothing behind");
  });

  it("tells the user what to check when a create cannot be read back", async () => {
    const s = setup([{ op: "create", urn: URN, type: "t:m:T", inputs: { v: "new", other: 1 } }], [], world({}));
    await s.run();
    expect(s.state.current.has(URN)).toBe(false);
    expect(warnings(s.events)[0]).toMatch(/may have left a real t:m:T behind \(inputs: v, other\); check for it/);
  });

  it("an adopted create that replaced an existing entry condemns the old one", async () => {
    const old = res("id-0", "old");
    const s = setup([{ op: "create", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "new" } }], [old], world({ "id-1": { v: "new" }, "id-0": { v: "old" } }));
    await s.run();
    expect(s.state.current.get(URN)?.id).toBe("id-1");
    expect(s.state.condemned.map((c) => [c.id, c.pendingDelete])).toEqual([["id-0", true]]);
  });

  it("reads back an interrupted update, adopting drift in inputs and outputs, keeping secretness", async () => {
    const old: ResourceState = { ...res("id-1", "old"), inputs: { v: new Secret("old") } };
    const s = setup([{ op: "update", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "new" } }], [old], world({ "id-1": { v: "half-new" } }));
    await s.run();
    const st = s.state.current.get(URN)!;
    expect(st.inputs.v).toBeInstanceOf(Secret);
    expect((st.inputs.v as Secret).value).toBe("half-new");
    expect(st.outputs.v).toBeInstanceOf(Secret);
  });

  it("drops the condemned half of a replacement whose delete had finished", async () => {
    const current = res("id-2", "new");
    const condemned = res("id-1", "old", { pendingDelete: true });
    const s = setup([{ op: "delete", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "old" } }], [current, condemned], world({ "id-2": { v: "new" } }));
    await s.run();
    expect(s.state.condemned).toEqual([]);
    expect(s.state.current.get(URN)?.id).toBe("id-2");
  });

  it("keeps a resource whose interrupted delete had not happened", async () => {
    const s = setup([{ op: "delete", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "x" } }], [res("id-1", "x")], world({ "id-1": { v: "x" } }));
    await s.run();
    expect(s.state.current.get(URN)?.id).toBe("id-1");
  });

  it("keeps an operation whose read fails pending, names the resource and host, and still reconciles the others", async () => {
    const other = "urn:drydock:s::p::t:m:T::b";
    const provider: ResourceProvider = {
      async create() {
        throw new Error("not called");
      },
      async read(id) {
        if (id === "id-1") throw Object.assign(new Error("ops@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22"), { host: "ops@10.9.9.1" });
        return { id, props: { v: "b" } };
      },
    };
    const s = setup([
      { op: "create", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "a" } },
      { op: "create", urn: other, type: "t:m:T", id: "id-2", inputs: { v: "b" } },
    ], [], provider);
    const failures: DrydockError[] = [];
    expect(await reconcilePending(s.state, s.registry, (e) => s.events.push(e), undefined, failures)).toBe(2);
    expect(failures.map((f) => f.message)).toEqual([
      `${URN}: reading back an interrupted create failed: ops@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22; it stays pending for the next run`,
    ]);
    expect(failures[0]!.context).toMatchObject({ urn: URN, host: "ops@10.9.9.1" });
    expect([...s.state.pending.values()].map((p) => p.urn)).toEqual([URN]);
    expect(s.state.current.get(other)?.id).toBe("id-2");
  });

  it("an adopted create keeps the parent and dependencies recorded with it", async () => {
    const dep = "urn:drydock:s::p::t:m:T::dep";
    const parent = "urn:drydock:s::p::c:C::parent";
    const s = setup([{ op: "create", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "new" }, parent, dependencies: [dep] }], [], world({ "id-1": { v: "new" } }));
    await s.run();
    expect(s.state.current.get(URN)).toMatchObject({ parent, dependencies: [dep] });
  });

  it("reads an interrupted update back with the entry's last outputs", async () => {
    const seen: unknown[] = [];
    const provider: ResourceProvider = {
      async create() {
        throw new Error("not called");
      },
      async read(id, props) {
        seen.push(props);
        return { id, props: { v: "x" } };
      },
    };
    const old = { ...res("id-1", "x"), outputs: { v: "x", address: "10.0.0.5" } };
    const s = setup([{ op: "update", urn: URN, type: "t:m:T", id: "id-1", inputs: { v: "y" } }], [old], provider);
    await s.run();
    expect(seen).toEqual([{ v: "x", address: "10.0.0.5" }]);
  });

  it("does nothing without pending operations", async () => {
    const s = setup([], [res("id-1", "x")], world({}));
    expect(await s.run()).toBe(0);
    expect(s.events).toEqual([]);
  });
});
