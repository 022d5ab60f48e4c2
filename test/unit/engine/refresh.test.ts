import { slots } from "../../../installer/engine/slots.js";
import { describe, expect, it } from "vitest";
import type { ResourceProvider } from "../../../sdk/index.js";
import type { EngineEvent } from "../../../installer/engine/events.js";
import { Redactor } from "../../../installer/engine/redact.js";
import { refreshAll } from "../../../installer/engine/refresh.js";
import { ProviderRegistry } from "../../../installer/engine/registry.js";
import type { ResourceState } from "../../../installer/engine/state/types.js";
import { WorkingState } from "../../../installer/engine/working-state.js";

const urn = (n: string) => `urn:drydock:s::p::t:m:T::${n}`;
const res = (n: string): ResourceState => ({ urn: urn(n), type: "t:m:T", custom: true, id: n, inputs: { v: n }, outputs: { v: n }, dependencies: [] });

/** "gone" answers absent, "down" cannot reach its host, anything else is there. */
const provider: ResourceProvider = {
  async create() {
    throw new Error("not called");
  },
  async read(id) {
    if (id === "gone") return undefined;
    if (id === "down") throw Object.assign(new Error("ops@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22"), { host: "ops@10.9.9.1" });
    return { id, props: { v: id } };
  },
};

describe("refreshAll", () => {
  it("drops only what a read says is gone; a read that fails keeps the entry and is an error naming the resource and host", async () => {
    const registry = new ProviderRegistry();
    registry.register("t:m:T", provider);
    const state = new WorkingState({ project: "p", stack: "s", resources: [res("gone"), res("down"), res("here")], outputs: {}, pending: [] });
    const events: EngineEvent[] = [];
    const failures = await refreshAll(state, registry, (e) => events.push(e), new Redactor(), slots(4), false, true);
    expect([...state.current.keys()].sort()).toEqual([urn("down"), urn("here")]);
    expect(state.current.get(urn("down"))).toEqual(res("down"));
    expect(failures.map((f) => [f.message, f.context.host])).toEqual([
      [`${urn("down")}: refresh failed: ops@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22; it stays in state as it was`, "ops@10.9.9.1"],
    ]);
    expect(events.filter((e) => e.type === "step" && e.phase === "failed")).toMatchObject([
      { urn: urn("down"), op: "refresh", error: "refresh failed: ops@10.9.9.1: cannot connect: connect ECONNREFUSED 10.9.9.1:22; it stays in state as it was" },
    ]);
  });
});
