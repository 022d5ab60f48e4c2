/**
 * Credentials of a Connection never reach plaintext, whatever form the program
 * gives them in: not in state (resources and pending operations), plans, the
 * event stream or errors. And only they are masked: host, user and port stay
 * readable in the error of a connection passed on from an ssh.Host.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshProjects, type TempProject } from "./cli.js";

const DIST = resolve(import.meta.dirname, "../../dist");
const PASSPHRASE = "key-passphrase-7f3a91c2";
const PASSWORD = "login-password-5d8e2b61";
const SUDO = "sudo-password-9c4f7a03";
const JUMP = "jump-password-1b6d0e94";
const FP = "SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U";

let key = "";
let port = 0;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return p;
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The credential texts to look for: the key's body lines, the passwords and the passphrase. */
function credentials(): string[] {
  const body = key.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
  return [...body, PASSPHRASE, PASSWORD, SUDO, JUMP];
}

function expectNoCredentials(text: string, where: string): void {
  for (const c of credentials()) expect(text.includes(c), `${where} holds ${c.slice(0, 12)}…`).toBe(false);
}

const prelude = () => `import { readFileSync } from "node:fs";
import { etcd, lxd, output, ssh } from "drydock";
const key = readFileSync("k", "utf8");
const conn = { host: "127.0.0.1", port: ${port}, user: "root", privateKey: key, passphrase: ${JSON.stringify(PASSPHRASE)},
  password: ${JSON.stringify(PASSWORD)}, hostKeys: [${JSON.stringify(FP)}], sudo: { password: ${JSON.stringify(SUDO)} }, connectTimeout: 1,
  jump: { host: "127.0.0.1", port: ${port}, user: "bastion", password: ${JSON.stringify(JUMP)}, hostKeys: [${JSON.stringify(FP)}], connectTimeout: 1 } };
const artifact = (name) => ({ name, version: "3.5.17", url: "file:///nonexistent/" + name, sha256: "0".repeat(64) });
`;

/** Each documented way a Connection's credentials reach a resource. */
const FORMS: Record<string, string> = {
  "ssh.Command with a literal Connection": `new ssh.Command("cmd", { connection: conn, create: "true" });`,
  "ssh.Command with an Output of a Connection": `new ssh.Command("cmd", { connection: output(conn), create: "true" });`,
  "ssh.File with a literal Connection": `new ssh.File("f", { connection: conn, path: "/tmp/x", content: "hello" });`,
  "lxd.Remote with a literal Connection": `new lxd.Remote("r", { host: conn });`,
  "an etcd member with a literal Connection": `new etcd.Cluster("e", { members: [{ name: "a", host: conn, address: "127.0.0.1" }], etcd: artifact("etcd"), etcdctl: artifact("etcdctl") });`,
  "ssh.Host's jump": `new ssh.Host("h", { address: "127.0.0.1", port: conn.port, user: "root", agent: true, hostKey: ${JSON.stringify(FP)}, jump: conn, connectTimeout: 1 });`,
  // Its check asks the LXD server first, so without one this reaches neither plan nor state (the unit tests cover login).
  "an instance's login, literal and as an Output": `const remote = { connection: conn, socket: "/var/lib/lxd/unix.socket" };
new lxd.Instance("i", { remote, image: "img", login: { user: "root", privateKey: key, passphrase: ${JSON.stringify(PASSPHRASE)} } });
new lxd.Instance("j", { remote, image: "img", login: output({ user: "root", privateKey: key, passphrase: ${JSON.stringify(PASSPHRASE)} }) });`,
};

describe("credentials of a Connection", () => {
  const { project } = freshProjects();

  beforeAll(async () => {
    port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), "drydock-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", join(dir, "k")]);
    key = readFileSync(join(dir, "k"), "utf8");
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(() => {
    key = "";
  });

  async function withKey(program: string): Promise<TempProject> {
    const p = await project(program);
    p.file("k", key);
    return p;
  }

  it.each(Object.entries(FORMS))("%s: nowhere in plaintext (preview --diff, --json, --events, up, state)", async (_form, decl) => {
    const p = await withKey(prelude() + decl);
    const seen: [string, string][] = [];
    for (const args of [["preview", "--diff"], ["preview", "--json"], ["preview", "--diff", "--events", "ev-preview.ndjson"]]) {
      const r = await p.run(...args);
      seen.push([`${args.join(" ")} stdout`, r.stdout], [`${args.join(" ")} stderr`, r.stderr]);
    }
    // Watch the state while up runs: the pending operation is written before the step tries to connect.
    const snapshots = new Set<string>();
    const watch = setInterval(() => {
      try {
        snapshots.add(readFileSync(p.statePath(), "utf8"));
      } catch {
        // not written yet
      }
    }, 5);
    const up = await p.run("up", "--yes", "--diff", "--events", "ev-up.ndjson");
    clearInterval(watch);
    expect(up.exitCode, up.stdout + up.stderr).not.toBe(0);
    seen.push(["up stdout", up.stdout], ["up stderr", up.stderr]);
    seen.push(["stack output", (await p.run("stack", "output", "--json")).stdout]);
    for (const f of filesUnder(join(p.dir, ".drydock"))) seen.push([f, readFileSync(f, "utf8")]);
    for (const f of ["ev-preview.ndjson", "ev-up.ndjson"]) seen.push([f, p.read(f)]);
    for (const [i, s] of [...snapshots].entries()) seen.push([`state while up ran (${i})`, s]);
    for (const [where, text] of seen) expectNoCredentials(text, where);
  }, 120_000);

  it("a pending operation is written before the step connects, with its credentials encrypted", async () => {
    const p = await withKey(prelude() + FORMS["ssh.Command with a literal Connection"]);
    const pendings: string[] = [];
    const watch = setInterval(() => {
      try {
        const text = readFileSync(p.statePath(), "utf8");
        if ((JSON.parse(text) as { pending: unknown[] }).pending.length > 0) pendings.push(text);
      } catch {
        // not written yet, or being replaced
      }
    }, 5);
    await p.run("up", "--yes");
    clearInterval(watch);
    expect(pendings.length).toBeGreaterThan(0);
    const op = (JSON.parse(pendings[0]!) as { pending: { inputs: { connection: Record<string, unknown> } }[] }).pending[0]!;
    expect(op.inputs.connection.privateKey).toMatchObject({ $secret: expect.any(String) });
    expect(op.inputs.connection.host).toBe("127.0.0.1");
    for (const text of pendings) expectNoCredentials(text, "pending state");
  }, 120_000);

  it("passed on from an ssh.Host, host, user and port stay readable in the error and only the key is masked", async () => {
    const p = await withKey(`import { readFileSync } from "node:fs";
import { ssh } from "drydock";
const h = new ssh.Host("h", { address: "127.0.0.1", port: ${port}, user: "root", privateKey: readFileSync("k", "utf8"),
  passphrase: ${JSON.stringify(PASSPHRASE)}, hostKey: ${JSON.stringify(FP)}, connectTimeout: 1 });
new ssh.Command("c", { connection: h, create: "true" });
`);
    await seedHost(p);
    const r = await p.run("up", "--yes");
    expect(r.exitCode).toBe(1);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`Command::c.*root@127\\.0\\.0\\.1:${port}`));
    expect(r.stdout + r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stdout + r.stderr).not.toMatch(/\[secret\]@|@\[secret\]|:\[secret\]/);
    expectNoCredentials(r.stdout + r.stderr, "up output");
  }, 120_000);
});

/**
 * Puts the ssh.Host "h" in state as a successful `up` would have (its key
 * pinned, its connection known), so `up` goes on to the command, which then
 * fails to connect.
 */
async function seedHost(p: TempProject): Promise<void> {
  const { Crypter } = await import(`${DIST}/installer/engine/secrets.js`);
  const { CheckpointCodec } = await import(`${DIST}/installer/engine/state/codec.js`);
  const { markSecretOutputs } = await import(`${DIST}/installer/engine/outputs.js`);
  const { toHostConnection, hostProvider } = await import(`${DIST}/installer/providers/ssh/host.js`);
  const { Secret } = await import(`${DIST}/sdk/internal.js`);
  const { ssh } = await import(`${DIST}/sdk/index.js`);
  const { salt, crypter } = Crypter.create(p.env.DRYDOCK_PASSPHRASE!);
  p.file("drydock.dev.yaml", `encryptionsalt: ${salt}\nconfig: {}\n`);
  const plain = ssh.HostArgsSchema.parse({ address: "127.0.0.1", port, user: "root", privateKey: key, passphrase: PASSPHRASE, hostKey: FP, connectTimeout: 1 });
  const inputs = { ...plain, privateKey: new Secret(key), passphrase: new Secret(PASSPHRASE) };
  const outs = { ...plain, connection: toHostConnection(plain, FP), hostKey: FP, facts: { hostname: "h", arch: "x86_64", kernel: "6", os: "test" } };
  const outputs = markSecretOutputs(outs, inputs, [], hostProvider(() => { throw new Error("not used"); }));
  const urn = "urn:drydock:dev::proj::drydock:ssh:Host::h";
  const text = new CheckpointCodec(() => crypter).encode({
    project: "proj", stack: "dev", outputs: {}, pending: [],
    resources: [{ urn, type: "drydock:ssh:Host", custom: true, id: `root@127.0.0.1:${port}`, inputs, outputs, dependencies: [] }],
  });
  mkdirSync(join(p.dir, ".drydock", "stacks", "proj"), { recursive: true });
  writeFileSync(p.statePath(), text);
}

describe("check's context", () => {
  const { project } = freshProjects();

  it("names the top-level inputs that hold a secret anywhere (secretInputs), credentials included", async () => {
    const p = await project(`import { CustomResource, secret } from "drydock";
new CustomResource("kv:store:Entry", "e", { content: secret("file-content-secret"), plain: "x", nested: { a: { password: "nested-password" } } });
`);
    p.file("drydock.yaml", "name: proj\nmain: index.ts\nproviders:\n  kv: ./kv.ts\n");
    p.file("kv.ts", `export const providers = { "kv:store:Entry": {
  async check(_olds: unknown, news: unknown, ctx: { secretInputs?: string[] }) {
    return { failures: [{ property: "plain", reason: "secret inputs: " + JSON.stringify(ctx.secretInputs ?? null) }] };
  },
  async create() { return { id: "e" }; },
} };
`);
    const r = await p.run("preview");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('secret inputs: ["content","nested"]');
  }, 60_000);
});
