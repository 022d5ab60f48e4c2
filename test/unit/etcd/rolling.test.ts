import { describe, expect, it } from "vitest";
import type { Outputs } from "../../../installer/providers/etcd/outputs.js";
import { created, ctx, inputs, partial } from "./fake-etcd.js";

const A = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
const slower = { settings: { heartbeatInterval: 200, electionTimeout: 2000 } };

describe("rolling restart after a settings change", () => {
  it("installs each member's files just before its own restart, one member at a time, health checked between", async () => {
    const { w, outs, i } = await created(A);
    const news = inputs(A, slower);
    await w.provider().update!("main", outs, news, ctx(), i);
    const steps = w.log.filter((l) => /new unit|restart|health/.test(l)).filter((l, k, all) => !(l === "health" && all[k - 1] === "health"));
    expect(steps).toEqual([
      "etcd-1: new unit", "etcd-1: restart", "health",
      "etcd-2: new unit", "etcd-2: restart", "health",
      "etcd-3: new unit", "etcd-3: restart", "health",
    ]);
    expect([...w.machines.values()].every((m) => !m.pending)).toBe(true);
  });

  it("restarts nothing when nothing a member reads changed", async () => {
    const { w, outs, i } = await created(A);
    await w.provider().update!("main", outs, { ...i, healthTimeout: 5 }, ctx(), i);
    expect(w.only(/restart/)).toEqual([]);
  });

  it("stops at the member that fails; later members keep their old files; the next run finishes from there", async () => {
    const { w, outs, i } = await created(A);
    const news = inputs(A, slower);
    w.fail.set("etcd-2: restart", "error");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(e.message).toMatch(/member etcd-2: restarting etcd failed/);
    expect(w.only(/new unit|restart/)).toEqual(["etcd-1: new unit", "etcd-1: restart", "etcd-2: new unit", "etcd-2: restart"]);
    expect(w.machine("10.0.0.2").pending).toBe(true);
    expect(w.machine("10.0.0.3").pending).toBe(false);
    expect((e.outs.members as unknown[]).length).toBe(3);

    // The next run: the engine updates it again with the recorded outputs (and the new inputs).
    w.fail.clear();
    w.log.length = 0;
    await w.provider().update!("main", e.outs as unknown as Outputs, news, ctx(), news);
    expect(w.only(/new unit|restart/)).toEqual(["etcd-2: restart", "etcd-3: new unit", "etcd-3: restart"]);
    expect(w.machine("10.0.0.2").pending).toBe(false);
  });

  it("a crash after a member's new files are in place still restarts it next time (restart-pending)", async () => {
    const { w, outs, i } = await created(A);
    const news = inputs(A, slower);
    w.fail.set("etcd-1: restart", "crash");
    await expect(w.provider().update!("main", outs, news, ctx(), i)).rejects.toThrow(/connection lost during etcd-1: restart/);
    expect(w.machine("10.0.0.1").pending).toBe(true);
    // etcd-1 now has the new unit on disk but runs the old settings; its files no longer change.
    w.fail.clear();
    w.log.length = 0;
    await w.provider().update!("main", outs, news, ctx(), i);
    expect(w.only(/restart/)).toEqual(["etcd-1: restart", "etcd-2: restart", "etcd-3: restart"]);
    expect(w.only(/etcd-1: new unit/)).toEqual([]);
  });
});

describe("port changes roll, never replace", () => {
  it("a peer port change updates each member's peer URL, then restarts it, one at a time", async () => {
    const { w, outs, i } = await created(A);
    const news = inputs(A, { peerPort: 2480 });
    const d = await w.provider().diff!("main", outs, news, i);
    expect(d.replaces ?? []).toEqual([]);
    expect(d.note).toMatch(/peer port 2380 → 2480: one member at a time, its peer URL updated \(etcdctl member update\)/);
    await w.provider().update!("main", outs, news, ctx(), i);
    expect(w.only(/member update|restart/)).toEqual([
      "etcd-1: member update etcd-1 https://10.0.0.1:2480", "etcd-1: restart",
      "etcd-2: member update etcd-2 https://10.0.0.2:2480", "etcd-2: restart",
      "etcd-3: member update etcd-3 https://10.0.0.3:2480", "etcd-3: restart",
    ].map((s) => s.replace(/^etcd-\d: (member)/, "$1")));
    expect(w.list.map((l) => l.peerUrl).sort()).toEqual(["https://10.0.0.1:2480", "https://10.0.0.2:2480", "https://10.0.0.3:2480"]);
    expect(w.only(/wipe/)).toEqual([]);
  });

  it("a client port change rolls: members not yet restarted count as healthy on the old port", async () => {
    const { w, outs, i } = await created(A);
    const news = inputs(A, { clientPort: 2479 });
    const r = await w.provider().update!("main", outs, news, ctx(), i);
    expect(w.only(/restart/)).toEqual(["etcd-1: restart", "etcd-2: restart", "etcd-3: restart"]);
    expect([...w.machines.values()].map((m) => m.clientPort)).toEqual([2479, 2479, 2479]);
    expect(r.outs!.endpoints).toEqual(A.map((a) => `https://${a}:2479`));
    expect(w.only(/wipe/)).toEqual([]);
  });
});
