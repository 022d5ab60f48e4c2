import { describe, expect, it } from "vitest";
import net from "node:net";
import { gateProvider } from "../../../installer/providers/host/gate.js";
import { FakeTransport } from "../../../installer/transport/fake.js";

const CONN = { host: "10.0.0.9", port: 22, user: "root", agent: "/tmp/agent.sock", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] };
const ctx = (log: string[] = []) => ({ signal: new AbortController().signal, urn: "urn:pulumi:dev::p::drydock:host:HealthGate::g", log: (m: string) => void log.push(m) });

async function inputs(p: ReturnType<typeof gateProvider>, args: Record<string, unknown>) {
  const r = await p.check!(undefined, args, { urn: "u", dryRun: false });
  if (!r.inputs) throw new Error(JSON.stringify(r.failures));
  return r.inputs;
}

describe("host.HealthGate", () => {
  it("waits for a command to pass, saying what it waits for and why it is not ready yet", async () => {
    let tries = 0;
    const t = new FakeTransport().on("check-it", () => (++tries < 3 ? { code: 1, stderr: "not yet: 1 of 3 up" } : { code: 0 }));
    const p = gateProvider(() => t);
    const log: string[] = [];
    const i = await inputs(p, { description: "the app up", check: { kind: "command", connection: CONN, command: "check-it" }, interval: 0.05 });
    const r = await p.create(i, ctx(log));
    expect(tries).toBe(3);
    expect(r.outs).toHaveProperty("passedAt");
    expect(log[0]).toBe("waiting for the app up: fake@host: exit 1: not yet: 1 of 3 up");
  });

  it("fails after its timeout with the last error and the service's journal tail", async () => {
    const t = new FakeTransport().on("check-it", { code: 7, stderr: "connection refused" }).on(/journalctl -u app\.service/, { stdout: "app: bind: address in use" });
    const p = gateProvider(() => t);
    const i = await inputs(p, { description: "the app up", check: { kind: "command", connection: CONN, command: "check-it" }, timeout: 0.3, interval: 0.1, journal: { connection: CONN, unit: "app" } });
    await expect(p.create(i, ctx())).rejects.toThrow(/the app up: not ready within 0.3s[\s\S]*last error: fake@host: exit 7: connection refused[\s\S]*app: bind: address in use/);
  });

  it("waits again only when what it guards changed", async () => {
    const p = gateProvider(() => new FakeTransport());
    const a = await inputs(p, { description: "x", check: { kind: "tcp", host: "127.0.0.1", port: 1 }, triggers: ["inv-1"] });
    const b = await inputs(p, { description: "x", check: { kind: "tcp", host: "127.0.0.1", port: 1 }, triggers: ["inv-1"] });
    const c = await inputs(p, { description: "x", check: { kind: "tcp", host: "127.0.0.1", port: 1 }, triggers: ["inv-2"] });
    expect((await p.diff!("g", {} as never, b, a)).changes).toBe(false);
    expect((await p.diff!("g", {} as never, c, a))).toMatchObject({ changes: true, note: "waits for x: what it guards changed" });
  });

  it("passes a TCP check once the port listens", async () => {
    const srv = net.createServer((s) => s.end());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    const p = gateProvider(() => new FakeTransport());
    await expect(p.create(await inputs(p, { description: "port", check: { kind: "tcp", host: "127.0.0.1", port }, timeout: 2 }), ctx())).resolves.toHaveProperty("outs");
    srv.close();
  });
});
