import { describe, expect, it } from "vitest";
import type { Outputs } from "../../../installer/providers/etcd/outputs.js";
import { created, ctx, inputs, partial } from "./fake-etcd.js";

const A3 = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
const A5 = [...A3, "10.0.0.4", "10.0.0.5"];

const names = (outs: Record<string, unknown>) => (outs.members as { name: string }[]).map((m) => m.name);

describe("scaling out, when an add fails part-way", () => {
  it("records the members that really exist, and the next run adds only the missing one", async () => {
    const { w, outs, i } = await created(A3);
    const news = inputs(A5);
    w.fail.set("etcd-5: start", "error");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(e.message).toMatch(/member etcd-5 was removed from the cluster again, so the cluster has the members it had before/);
    expect(names(e.outs)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
    expect(Object.keys(e.outs.memberIds as object).sort()).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
    expect(w.list.map((l) => l.name)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
    expect(w.only(/wipe/)).toEqual(["etcd-5: wipe"]);

    w.fail.clear();
    w.log.length = 0;
    await w.provider().update!("main", e.outs as unknown as Outputs, news, ctx(), news);
    expect(w.only(/member add/)).toEqual(["member add etcd-5"]);
    expect(w.list.map((l) => l.name)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-5"]);
  });

  it("a rollback whose member remove fails says the member is still in the cluster, and records it", async () => {
    const { w, outs, i } = await created(A3);
    const news = inputs([...A3, "10.0.0.4"], { allowEvenMembers: true });
    w.fail.set("etcd-4: start", "error");
    w.fail.set("member remove unstarted https://10.0.0.4:2380", "error");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(e.message).toMatch(/member etcd-4 \(\w+\) is still in the cluster: etcdctl member remove failed \(exit 1: scripted failure/);
    expect(e.message).not.toMatch(/the cluster is as it was/);
    expect(names(e.outs)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
    expect(w.only(/wipe/)).toEqual([]);

    // The next run finishes that member's install instead of rolling it or adding it again.
    w.fail.clear();
    w.log.length = 0;
    await w.provider().update!("main", e.outs as unknown as Outputs, news, ctx(), news);
    expect(w.only(/member add|etcd-4: (start|restart)/)).toEqual(["etcd-4: start"]);
    expect(w.list.map((l) => l.name)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
  });

  it("a member an interrupted run already added is not added again: its install is finished", async () => {
    const { w, outs, i } = await created(A3);
    const news = inputs([...A3, "10.0.0.4"], { allowEvenMembers: true });
    // The run dies after `member add` (the rollback cannot reach the cluster either).
    w.fail.set("etcd-4: start", "crash");
    w.fail.set("member remove unstarted https://10.0.0.4:2380", "crash");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(names(e.outs)).toContain("etcd-4");
    expect(w.machine("10.0.0.4").dataMarker).toBe("main");

    w.fail.clear();
    w.log.length = 0;
    await w.provider().update!("main", outs, news, ctx(), i);
    expect(w.only(/member add/)).toEqual([]);
    expect(w.only(/etcd-4: start/)).toEqual(["etcd-4: start"]);
    expect(w.list.filter((l) => l.name === "etcd-4")).toHaveLength(1);
  });

  it("a removal whose member remove fails stops, records the member as still there", async () => {
    const { w, outs, i } = await created(A5);
    const news = inputs(A3);
    w.fail.set("member remove etcd-4", "error");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(e.message).toMatch(/etcdctl member remove etcd-4 \(\w+\) failed \(exit 1: scripted failure of member remove etcd-4\); it is still in the cluster/);
    expect(names(e.outs)).toEqual(["etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-5"]);
  });

  it("a move whose add fails records that the member left", async () => {
    const { w, outs, i } = await created(A3);
    const news = inputs(["10.0.0.1", "10.0.0.9", "10.0.0.3"]);
    w.fail.set("etcd-2: start", "error");
    const e = await partial(w.provider().update!("main", outs, news, ctx(), i));
    expect(w.only(/member (remove|add)/)).toEqual(["member remove etcd-2", "member add etcd-2", "member remove unstarted https://10.0.0.9:2380"]);
    expect(names(e.outs)).toEqual(["etcd-1", "etcd-3"]);
  });
});
