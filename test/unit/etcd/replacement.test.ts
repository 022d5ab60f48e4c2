import { describe, expect, it } from "vitest";
import { created, inputs } from "./fake-etcd.js";

const A = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
const OTHER_CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("a change that would replace the cluster", () => {
  it("is refused in the plan, in words, unless allowReplacement is set", async () => {
    const { w, outs, i } = await created(A);
    const p = w.provider();
    await expect(p.diff!("main", outs, inputs(A, { clusterName: "other" }), i)).rejects.toThrow(
      'etcd cluster main: changing clusterName ("main" → "other") replaces the cluster: a new, empty cluster; its data is lost — take a backup first; refused: set allowReplacement: true to go ahead, or change it back',
    );
    await expect(p.diff!("main", outs, inputs(A, { dataDir: "/var/lib/etcd2" }), i)).rejects.toThrow(/changing dataDir \("\/var\/lib\/etcd" → "\/var\/lib\/etcd2"\) replaces the cluster/);
    expect(w.log).toEqual([]);
  });

  it("goes ahead with allowReplacement, and the plan note says the data is lost", async () => {
    const { w, outs, i } = await created(A);
    const d = await w.provider().diff!("main", outs, inputs(A, { clusterName: "other", allowReplacement: true }), i);
    expect(d.replaces).toEqual(["clusterName"]);
    expect(d.deleteBeforeReplace).toBe(true);
    expect(d.note).toBe('clusterName ("main" → "other") replaces the cluster: a new, empty cluster; its data is lost — take a backup first');
  });

  it("a CA with another key counts as a replacement too", async () => {
    const { w, outs, i } = await created(A);
    const news = { ...inputs(A), ca: { certPem: OTHER_CA, keyPem: "k" } };
    await expect(w.provider().diff!("main", outs, news, i)).rejects.toThrow(/changing ca \(the cluster's own CA → a CA with another key\) replaces the cluster/);
  });

  it("ports are not replacements", async () => {
    const { w, outs, i } = await created(A);
    const d = await w.provider().diff!("main", outs, inputs(A, { clientPort: 2479, peerPort: 2480 }), i);
    expect(d.replaces ?? []).toEqual([]);
    expect(d.changes).toBe(true);
    expect(d.note).toMatch(/client port 2379 → 2479: rolling restart, one member at a time/);
  });
});
