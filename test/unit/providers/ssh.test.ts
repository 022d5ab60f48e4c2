import { describe, expect, it } from "vitest";
import type { ProviderContext } from "../../../sdk/index.js";
import { ssh } from "../../../sdk/index.js";
import { FakeTransport } from "../../../installer/transport/fake.js";
import { hostProvider } from "../../../installer/providers/ssh/host.js";
import { commandProvider } from "../../../installer/providers/ssh/command.js";
import { fileProvider } from "../../../installer/providers/ssh/file.js";
import type { Connection } from "../../../sdk/ssh/connection.js";

const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:x", log: () => {} };
const KEY = "SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U";

function setup() {
  const t = new FakeTransport("root@h").on(/hostname/, { stdout: "h1\nx86_64\n6.1.0\nDebian GNU/Linux 12 (bookworm)\n" });
  const seen: Connection[] = [];
  const connect = (c: Connection) => {
    seen.push(c);
    return t;
  };
  return { t, seen, connect };
}

describe("ssh.Host", () => {
  it("pins the key it saw on first use and gathers facts", async () => {
    const { connect, seen } = setup();
    const p = hostProvider(connect);
    const { inputs } = await p.check!(undefined, { address: "h", user: "root", privateKeyPath: "/k", trustOnFirstUse: true });
    const r = await p.create(inputs!, ctx);
    expect(seen[0]!.trustOnFirstUse).toBe(true);
    expect(r.outs!.hostKey).toBe(KEY);
    expect(r.outs!.connection.hostKeys).toEqual([KEY]);
    expect(r.outs!.connection.trustOnFirstUse).toBe(false);
    expect(r.outs!.facts).toEqual({ hostname: "h1", arch: "x86_64", kernel: "6.1.0", os: "Debian GNU/Linux 12 (bookworm)" });
    // A refresh connects with the pinned key, no longer trusting whatever comes.
    await p.read!(r.id, r.outs!, inputs!, ctx);
    expect(seen[1]!.hostKeys).toEqual([KEY]);
    expect(seen[1]!.trustOnFirstUse).toBe(false);
  });

  it("refuses an unpinned host without trust-on-first-use, and a host with no way to log in", async () => {
    const p = hostProvider(setup().connect);
    const r = await p.check!(undefined, { address: "h", user: "root" });
    expect(r.failures?.map((f) => f.property).sort()).toEqual(["", "hostKey"]);
  });
});

describe("ssh.Command", () => {
  const conn = { host: "h", port: 22, user: "root", privateKeyPath: "/k", hostKeys: [KEY] };

  it("fails with the host, the exit code and the stderr tail", async () => {
    const { t, connect } = setup();
    t.on("false", { code: 3, stderr: "it broke\n" });
    const p = commandProvider(connect);
    const { inputs } = await p.check!(undefined, { connection: conn, create: "false" });
    await expect(p.create(inputs!, ctx)).rejects.toThrow(/root@h: create command failed \(exit 3\):\nit broke/);
  });

  it("replaces when the command moves to another machine, updates otherwise", async () => {
    const p = commandProvider(setup().connect);
    const a = ssh.CommandArgsSchema.parse({ connection: conn, create: "echo a" });
    const moved = { ...a, connection: { ...conn, host: "other" } };
    expect((await p.diff!("id", { ...a, stdout: "", stderr: "" }, moved, a)).replaces).toEqual(["connection"]);
    const edited = { ...a, create: "echo b" };
    expect(await p.diff!("id", { ...a, stdout: "", stderr: "" }, edited, a)).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("ssh.File", () => {
  const conn = { host: "h", port: 22, user: "root", privateKeyPath: "/k", hostKeys: [KEY] };

  it("uploads, sees drift by sha256 on read, and plans a rewrite", async () => {
    const { t, connect } = setup();
    const p = fileProvider(connect);
    const i = ssh.FileArgsSchema.parse({ connection: conn, path: "/etc/x.conf", content: "hello\n", mode: "600" });
    const r = await p.create(i, ctx);
    expect(t.files.get("/etc/x.conf")).toMatchObject({ mode: "0600" });
    t.on(/sha256sum/, { stdout: "0000\n600 root:root\n" });
    const back = await p.read!(r.id, r.outs!, i, ctx);
    expect(back!.props!.sha256).toBe("0000");
    expect((await p.diff!(r.id, back!.props!, i, i)).changes).toBe(true);
    expect((await p.diff!(r.id, r.outs!, i, i)).changes).toBe(false);
  });

  it("reports a file deleted on the host as gone", async () => {
    const { t, connect } = setup();
    t.on(/sha256sum/, { code: 44 });
    const i = ssh.FileArgsSchema.parse({ connection: conn, path: "/etc/x.conf", content: "x" });
    expect(await fileProvider(connect).read!("id", { ...i, sha256: "" }, i, ctx)).toBeUndefined();
  });
});
