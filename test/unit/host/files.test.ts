import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { filesProvider, type FilesOutputs } from "../../../installer/providers/host/files.js";
import type { host } from "../../../sdk/index.js";
import { OWNER, ShellHost } from "./shell-host.js";

const CONN = { host: "10.0.0.9", port: 22, user: "root", agent: "/tmp/agent.sock", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] };
const ctx = { signal: new AbortController().signal, urn: "urn:pulumi:dev::p::drydock:host:Files::app", log: () => {} };
const hosts: ShellHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.close()));

function setup() {
  const h = new ShellHost();
  hosts.push(h);
  const p = filesProvider(() => h, { stateDir: h.stateDir, unitDir: h.unitDir });
  const check = async (files: unknown[], olds?: host.FilesInputs, secretPaths: string[] = []) => {
    const r = await p.check!(olds as never, { connection: CONN, files }, { urn: ctx.urn, dryRun: false, secretPaths });
    if (!r.inputs) throw new Error(JSON.stringify(r.failures));
    return r.inputs;
  };
  return { h, p, check, at: (rel: string) => join(h.root, rel) };
}

describe("host.Files", () => {
  it("writes the files, lists them in a manifest, and a second run with the same inputs changes nothing", async () => {
    const { h, p, check, at } = setup();
    const i = await check([{ path: at("etc/app/app.conf"), content: "a=1\n", owner: OWNER }, { path: at("etc/app/other.conf"), content: "b\n", owner: OWNER }]);
    const { outs } = await p.create(i, ctx);
    expect(readFileSync(at("etc/app/app.conf"), "utf8")).toBe("a=1\n");
    const manifest = readFileSync(join(h.stateDir, "owned", `${i.set}.manifest`), "utf8");
    expect(manifest).toContain(`file ${at("etc/app/app.conf")}`);
    expect(manifest).toContain(`dir ${at("etc/app")}`);
    const read = await p.read!("id", outs!, i, ctx);
    const again = await check([{ path: at("etc/app/app.conf"), content: "a=1\n", owner: OWNER }, { path: at("etc/app/other.conf"), content: "b\n", owner: OWNER }], i);
    expect(await p.diff!("id", read!.props as FilesOutputs, again, i)).toMatchObject({ changes: false });
  });

  it("sees a file edited on the host by its sha256, and the update puts it back", async () => {
    const { p, check, at } = setup();
    const i = await check([{ path: at("etc/app.conf"), content: "good\n", owner: OWNER }]);
    const { outs } = await p.create(i, ctx);
    writeFileSync(at("etc/app.conf"), "edited by hand\n");
    const read = await p.read!("id", outs!, i, ctx);
    const d = await p.diff!("id", read!.props as FilesOutputs, i, i);
    expect(d).toMatchObject({ changes: true });
    expect(d.note).toContain(`repair ${at("etc/app.conf")}`);
    await p.update!("id", read!.props as FilesOutputs, i, ctx, i);
    expect(readFileSync(at("etc/app.conf"), "utf8")).toBe("good\n");
  });

  it("refuses a path that exists and no set owns, naming it, and writes nothing", async () => {
    const { h, p, check, at } = setup();
    mkdirSync(at("etc"), { recursive: true });
    writeFileSync(at("etc/theirs.conf"), "not drydock's\n");
    const i = await check([{ path: at("etc/mine.conf"), content: "x", owner: OWNER }, { path: at("etc/theirs.conf"), content: "y", owner: OWNER }]);
    await expect(p.create(i, ctx)).rejects.toThrow(`${at("etc/theirs.conf")} exists and no drydock set owns it`);
    expect(readFileSync(at("etc/theirs.conf"), "utf8")).toBe("not drydock's\n");
    expect(existsSync(at("etc/mine.conf"))).toBe(false);
    expect(existsSync(join(h.stateDir, "owned"))).toBe(false);
  });

  it("refuses a path another set owns, naming that set", async () => {
    const { h, check, at } = setup();
    const a = filesProvider(() => h, { stateDir: h.stateDir, unitDir: h.unitDir });
    const ia = await check([{ path: at("etc/shared.conf"), content: "a", owner: OWNER }]);
    await a.create(ia, ctx);
    const ib = { ...ia, set: "other-set" };
    await expect(a.create(ib, ctx)).rejects.toThrow(`${at("etc/shared.conf")} belongs to drydock set ${ia.set}`);
  });

  it("deletes exactly what it owns: a stranger's file beside them stays, and so does the directory holding it", async () => {
    const { h, p, check, at } = setup();
    const i = await check([{ path: at("opt/app/bin/tool"), content: "#!/bin/sh\n", mode: "0755", owner: OWNER }, { path: at("opt/app/etc/app.conf"), content: "x", owner: OWNER }]);
    const { outs } = await p.create(i, ctx);
    writeFileSync(at("opt/app/etc/stranger.conf"), "someone else's\n");
    await p.delete!("id", outs!, ctx);
    expect(existsSync(at("opt/app/bin"))).toBe(false);
    expect(readdirSync(at("opt/app/etc"))).toEqual(["stranger.conf"]);
    expect(existsSync(join(h.stateDir, "owned"))).toBe(false);
  });

  it("removes a file dropped from the set, and only that one", async () => {
    const { p, check, at } = setup();
    const i = await check([{ path: at("etc/a"), content: "a", owner: OWNER }, { path: at("etc/b"), content: "b", owner: OWNER }]);
    const { outs } = await p.create(i, ctx);
    const n = await check([{ path: at("etc/a"), content: "a", owner: OWNER }], i);
    expect((await p.diff!("id", outs!, n, i)).note).toContain(`remove ${at("etc/b")}`);
    await p.update!("id", outs!, n, ctx, i);
    expect(existsSync(at("etc/b"))).toBe(false);
    expect(existsSync(at("etc/a"))).toBe(true);
  });

  it("gives secret content mode 0600 unless a mode is given, and an artifact 0755", async () => {
    const { check, at } = setup();
    const i = await check([{ path: at("k.pem"), content: "KEY", owner: OWNER }, { path: at("c.pem"), content: "CERT", owner: OWNER }], undefined, ["files[0].content"]);
    expect(i.files.map((f) => f.mode)).toEqual(["0600", "0644"]);
  });

  it("refuses a file given no content, or two ways, naming the entry", async () => {
    const { p } = setup();
    const r = await p.check!(undefined, { connection: CONN, files: [{ path: "/etc/x" }, { path: "/etc/x", content: "a", template: { name: "a/b" } }] }, { urn: ctx.urn, dryRun: false });
    expect(r.failures?.map((f) => f.property)).toEqual(expect.arrayContaining(["files[0].content", "files[1].content", "files[1].path"]));
  });

  it("is gone only when the host answers that neither the manifest nor any file is there; an unreachable host is an error", async () => {
    const { h, p, check, at } = setup();
    const i = await check([{ path: at("etc/a"), content: "a", owner: OWNER }]);
    const { outs } = await p.create(i, ctx);
    chmodSync(at("etc/a"), 0o600);
    h.down = new Error("connect ECONNREFUSED");
    await expect(p.read!("id", outs!, i, ctx)).rejects.toThrow("ECONNREFUSED");
    h.down = undefined;
    await p.delete!("id", outs!, ctx);
    expect(await p.read!("id", outs!, i, ctx)).toBeUndefined();
  });
});
