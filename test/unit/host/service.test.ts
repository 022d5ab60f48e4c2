import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serviceProvider, type ServiceOutputs } from "../../../installer/providers/host/service.js";
import { isUnknown, type host } from "../../../sdk/index.js";
import { unknown } from "../../../sdk/internal.js";
import { ShellHost } from "./shell-host.js";

const CONN = { host: "10.0.0.9", port: 22, user: "root", agent: "/tmp/agent.sock", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] };
const ctx = { signal: new AbortController().signal, urn: "urn:pulumi:dev::p::drydock:host:Service::web", log: () => {} };
const UNIT = "[Service]\nExecStart=/bin/sleep infinity\n";
const hosts: ShellHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.close()));

function setup() {
  const h = new ShellHost();
  hosts.push(h);
  const p = serviceProvider(() => h, { stateDir: h.stateDir, unitDir: h.unitDir });
  const check = async (args: Record<string, unknown>, olds?: host.ServiceInputs) => {
    const r = await p.check!(olds as never, { connection: CONN, name: "web", unit: UNIT, ...args }, { urn: ctx.urn, dryRun: false });
    if (!r.inputs) throw new Error(JSON.stringify(r.failures));
    return r.inputs;
  };
  /** One full run: check, read back, diff, and update only when the diff says so. */
  const run = async (olds: ServiceOutputs, oldInputs: host.ServiceInputs, args: Record<string, unknown>) => {
    const news = await check(args, oldInputs);
    const read = (await p.read!("id", olds, oldInputs, ctx))!.props as ServiceOutputs;
    const d = await p.diff!("id", read, news, oldInputs);
    const outs = d.changes ? (await p.update!("id", read, news, ctx, oldInputs)).outs! : read;
    return { news, outs, d };
  };
  return { h, p, check, run };
}

describe("host.Service", () => {
  it("in a preview, a unit template whose values are not known yet is no problem, and the unit is unknown", async () => {
    const p = serviceProvider(() => { throw new Error("no host is contacted by a check"); });
    const r = await p.check!(undefined, { connection: CONN, name: "web", unit: { name: "hello/hello.service", values: { port: unknown } } }, { urn: ctx.urn, dryRun: true });
    expect(r.failures).toBeUndefined();
    expect(isUnknown(r.inputs!.unit)).toBe(true);
  });

  it("starts the service enabled; a run that changes nothing neither restarts it nor touches systemd", async () => {
    const { h, p, check, run } = setup();
    const i = await check({ restartOn: ["digest-1"] });
    const { outs } = await p.create(i, ctx);
    expect(outs).toMatchObject({ activeState: "active" });
    // A new unit needs no daemon-reload: systemd loads it when first asked for.
    expect(h.systemctlLog().join("\n")).toMatch(/NeedDaemonReload --value -- web\.service\nenable --quiet --no-reload -- web\.service\nstart -- web\.service/);
    const before = h.systemctlLog().length;
    const r = await run(outs!, i, { restartOn: ["digest-1"] });
    expect(r.d.changes).toBe(false);
    expect(r.outs.invocationId).toBe(outs!.invocationId);
    expect(h.systemctlLog().slice(before).filter((l) => !l.startsWith("show"))).toEqual([]);
  });

  it("restarts when something in restartOn changed, and when its unit changed (reloading systemd first, then only)", async () => {
    const { h, p, check, run } = setup();
    const i = await check({ restartOn: ["digest-1"] });
    const { outs } = await p.create(i, ctx);
    const a = await run(outs!, i, { restartOn: ["digest-2"] });
    expect(a.d.note).toContain("something in restartOn changed");
    expect(a.outs.invocationId).not.toBe(outs!.invocationId);
    expect(h.systemctlLog()).not.toContain("daemon-reload");
    const b = await run(a.outs, a.news, { restartOn: ["digest-2"], unit: `${UNIT}Restart=always\n` });
    expect(b.d.note).toContain("its unit changes");
    expect(b.outs.invocationId).not.toBe(a.outs.invocationId);
    const log = h.systemctlLog();
    expect(log.indexOf("daemon-reload")).toBeGreaterThan(-1);
    expect(log.indexOf("daemon-reload")).toBeLessThan(log.lastIndexOf("restart -- web.service"));
  });

  it("a restart not waited for, whose stop hangs, fails at its timeout naming the host and the state, instead of passing as restarted", async () => {
    const { h, p, check, run } = setup();
    const i = await check({ waitStarted: false, timeout: 1 });
    const { outs } = await p.create(i, ctx);
    writeFileSync(join(h.root, ".systemd", "stuck-web.service"), "");
    await expect(run(outs!, i, { waitStarted: false, timeout: 1, unit: `${UNIT}Restart=always\n` }))
      .rejects.toThrow(/^shell@host: web\.service did not start again within 1s \(it is deactivating\)\n--- journal of web\.service on shell@host:\nfake journal line/);
  });

  it("starts it again when refresh finds it stopped, without a restart of a running one", async () => {
    const { h, p, check, run } = setup();
    const i = await check({});
    const { outs } = await p.create(i, ctx);
    await h.exec("systemctl stop -- web.service");
    const r = await run(outs!, i, {});
    expect(r.d.note).toBe("start web.service (it is inactive)");
    expect(r.outs.activeState).toBe("active");
    expect(h.systemctlLog().at(-2)).toMatch(/^start -- web\.service|^show/);
  });

  it("refuses a unit file it does not own, naming it, and starts nothing", async () => {
    const { h, p, check } = setup();
    mkdirSync(h.unitDir, { recursive: true });
    writeFileSync(join(h.unitDir, "web.service"), "[Service]\nExecStart=/usr/bin/theirs\n");
    await expect(p.create(await check({}), ctx)).rejects.toThrow(`${join(h.unitDir, "web.service")} exists and no drydock set owns it`);
    expect(h.systemctlLog()).toEqual([]);
  });

  it("on delete stops and disables it and removes its unit; then it reads as gone", async () => {
    const { h, p, check } = setup();
    const i = await check({});
    const { outs } = await p.create(i, ctx);
    await p.delete!("id", outs!, ctx);
    expect(h.systemctlLog().join("\n")).toContain("disable --now --quiet -- web.service");
    expect(existsSync(join(h.unitDir, "web.service"))).toBe(false);
    expect(await p.read!("id", outs!, i, ctx)).toBeUndefined();
  });
});
