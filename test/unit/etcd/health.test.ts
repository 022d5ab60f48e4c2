import { describe, expect, it } from "vitest";
import { FakeTransport } from "../../../installer/transport/fake.js";
import { waitHealthy } from "../../../installer/providers/etcd/health.js";
import { FakeEtcd, ctx, inputs } from "./fake-etcd.js";

const A = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];

describe("health waits say why", () => {
  it("keep and print the last real error (sudo, SSH, etcdctl) instead of 'no answer'", async () => {
    const i = { ...inputs(A), healthTimeout: 0.3 };
    const t = new FakeTransport("root@10.0.0.1")
      .on(/etcdctl\.env/, { code: 1, stderr: "sudo: a password is required" })
      .on(/journalctl/, { stdout: "" });
    const err = await waitHealthy(t, i.members, i, { log: () => undefined, signal: new AbortController().signal, transportOf: () => t, step: "after bootstrap" })
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/not healthy after bootstrap within 0.3s \(no answer yet\)\nlast error: root@10.0.0.1: etcdctl could not run \(exit 1\): sudo: a password is required/);
  });

  it("print what etcdctl said about an unhealthy endpoint", async () => {
    const i = { ...inputs(A), healthTimeout: 0.3 };
    const t = new FakeTransport("root@10.0.0.1").on(/journalctl/, { stdout: "" }).on(/etcdctl\.env/, {
      stdout: `${JSON.stringify([{ endpoint: "https://10.0.0.1:2379", health: true }, { endpoint: "https://10.0.0.2:2379", health: false, error: "x509: certificate signed by unknown authority" }])}\n@@\n[]`,
    });
    const err = await waitHealthy(t, i.members, i, { log: () => undefined, signal: new AbortController().signal, transportOf: () => t, step: "after adding etcd-3" })
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/last error: https:\/\/10.0.0.2:2379: x509: certificate signed by unknown authority/);
  });
});

describe("undoing a failed bootstrap", () => {
  it("reports a member it could not wipe instead of swallowing it", async () => {
    const w = new FakeEtcd();
    const i = { ...inputs(A), healthTimeout: 0.3 };
    w.fail.set("etcd-3: start", "error");
    w.fail.set("etcd-2: wipe", "error");
    const err = await w.provider().create(i, ctx()).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/member etcd-3: starting etcd failed/);
    expect(err?.message).toMatch(/\(undoing left things behind: etcd-2: not wiped: root@10.0.0.2: member etcd-2: removing etcd failed \(exit 1\)/);
  });
});
