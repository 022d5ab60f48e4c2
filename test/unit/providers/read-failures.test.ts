/**
 * The read contract, for every built-in provider: `undefined` ("gone") only
 * when the host answered and the thing is absent; a host that refuses the
 * connection, refuses sudo, times out or fails a command for another reason
 * is an error naming the host. The registry is enumerated, so a new provider
 * without a case here fails.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { etcd, host, kubernetes, local, lxd, ssh, type AnyProvider, type ProviderContext } from "../../../sdk/index.js";
import { builtinProviders } from "../../../installer/providers/index.js";
import { FAILURES, HOST_KEY, LXD_NOT_FOUND, fakeHosts, lxdSync, type Behaviour, type Failure, type World } from "./fake-host.js";

const ctx: ProviderContext = { signal: new AbortController().signal, urn: "urn:test", log: () => {} };
const tmp = mkdtempSync(join(tmpdir(), "dd-read-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const conn = (n = 1) => ({ host: `10.9.9.${n}`, port: 22, user: "ops", privateKeyPath: "/k", hostKeys: [HOST_KEY] });
const remote = { connection: conn(), socket: "/var/lib/lxd/unix.socket" };
const artifact = { name: "etcd", version: "3.5.17", url: "file:///nonexistent/etcd", sha256: "0".repeat(64) };

interface HostCase {
  /** Calls the provider's read for a resource on the fake host(s). */
  readonly read: (p: AnyProvider) => Promise<unknown>;
  readonly world?: World;
  /** What an answering host says: the thing is absent (so read says gone), or present (a host or server is never "gone"). */
  readonly answered: "absent" | "present";
  /** Failures that this read does not run into, and why. */
  readonly unaffected?: Partial<Record<Failure, string>>;
}
type Case = HostCase | { readonly stateOnly: string } | { readonly localFile: true } | { readonly apiServer: string };

const read = (inputs: unknown, props: unknown = inputs, id = "id") =>
  (p: AnyProvider) => p.read!(id, props as never, inputs as never, ctx);

const CASES: Record<string, Case> = {
  [local.FILE_TYPE]: { localFile: true },
  [local.COMMAND_TYPE]: { stateOnly: "a command has nothing to read back" },
  [ssh.COMMAND_TYPE]: { stateOnly: "a command has nothing to read back" },
  "drydock:pki:CertificateAuthority": { stateOnly: "lives in state only" },
  "drydock:pki:Certificate": { stateOnly: "lives in state only" },
  "drydock:pki:KeyPair": { stateOnly: "lives in state only" },
  "drydock:pki:Kubeconfig": { stateOnly: "lives in state only" },
  [ssh.HOST_TYPE]: {
    read: read(ssh.HostArgsSchema.parse({ address: "10.9.9.1", user: "ops", privateKeyPath: "/k", hostKey: HOST_KEY }), { hostKey: HOST_KEY }),
    answered: "present",
    unaffected: { sudo: "facts are gathered without sudo" },
  },
  [ssh.FILE_TYPE]: {
    read: read(ssh.FileArgsSchema.parse({ connection: conn(), path: join(tmp, "missing", "app.conf"), content: "x", sudo: true })),
    answered: "absent",
  },
  [lxd.REMOTE_TYPE]: {
    read: read(lxd.RemoteArgsSchema.parse({ host: conn() })),
    world: { lxd: (_m, path) => (path === "/1.0" ? lxdSync({ auth: "trusted", api_status: "stable", environment: {} }) : LXD_NOT_FOUND) },
    answered: "present",
  },
  [lxd.STORAGE_POOL_TYPE]: { read: read(lxd.StoragePoolArgsSchema.parse({ remote, name: "p1", driver: "dir" })), answered: "absent" },
  [lxd.NETWORK_TYPE]: { read: read(lxd.NetworkArgsSchema.parse({ remote, name: "br1", ipv4: "10.1.0.1/24" })), answered: "absent" },
  [lxd.PROFILE_TYPE]: { read: read(lxd.ProfileArgsSchema.parse({ remote, name: "web" })), answered: "absent" },
  [lxd.IMAGE_TYPE]: { read: read(lxd.ImageArgsSchema.parse({ remote, alias: "debian" })), answered: "absent" },
  [lxd.INSTANCE_TYPE]: { read: read(lxd.InstanceArgsSchema.parse({ remote, name: "c1", image: "debian" })), answered: "absent" },
  [host.FILES_TYPE]: {
    read: read({ connection: conn(), files: [{ path: join(tmp, "app", "a.conf"), content: "x", mode: "0644", owner: "root:root" }], adopt: false, set: "app-0123456789" }),
    answered: "absent",
  },
  [host.SERVICE_TYPE]: {
    read: read({ connection: conn(), name: "dd-test-app", unit: "[Service]\n", restartOn: "", waitStarted: true, timeout: 90, set: "svc-0123456789" }),
    // This machine may have no systemd: the host's answer for a unit it does not know.
    world: { exec: (_h, cmd) => (cmd.startsWith("systemctl show") ? { code: 0, stdout: "LoadState=not-found\nActiveState=inactive\nUnitFileState=\nInvocationID=\nActiveEnterTimestamp=\n", stderr: "" } : undefined) },
    answered: "absent",
  },
  [host.GATE_TYPE]: { stateOnly: "a health gate leaves nothing on a host" },
  [etcd.BOOTSTRAP_TYPE]: { stateOnly: "which members founded the cluster: state only (the members' files and services are read back)" },
  [etcd.MEMBER_TYPE]: { stateOnly: "its data and membership are checked by the member's health gate; its files and service are read back" },
  [etcd.VOTER_TYPE]: { stateOnly: "a vote in etcd: checked by the member's health gate" },
  [kubernetes.RELEASE_TYPE]: { stateOnly: "the lock: digests read from checksum files once, kept in state" },
  [kubernetes.NODE_STATE_TYPE]: {
    read: read({ connection: conn(), node: "n1", version: "v1.37.2", kubeletConfig: {}, bridge: "cni0" }),
    answered: "absent",
  },
  [kubernetes.IMAGES_TYPE]: {
    read: read({ connection: conn(), images: [{ name: "registry.k8s.io/pause:3.10.2", archive: artifact, digest: `sha256:${"0".repeat(64)}` }], timeout: 300, present: {} }),
    // containerd lists no such image: the resource stays, and `present` says what is missing.
    world: { exec: (_h, cmd) => (cmd.includes("ctr --namespace k8s.io images ls") ? { code: 0, stdout: "REF TYPE DIGEST SIZE PLATFORMS LABELS\n", stderr: "" } : undefined) },
    answered: "present",
  },
  [kubernetes.CONTROL_PLANE_STATE_TYPE]: { read: read({ connection: conn(), host: "cp-1" }), answered: "absent" },
  [kubernetes.CLUSTER_SPEC_TYPE]: { stateOnly: "a cluster's declaration checked as a whole, and its nodes' pod subnets: state only" },
  [kubernetes.ENCRYPTION_KEY_TYPE]: { stateOnly: "a key made once and kept only in state" },
  [kubernetes.NODE_REGISTRATION_TYPE]: { stateOnly: "waits for Ready; the node's files and services are read back" },
  [kubernetes.OBJECT_TYPE]: { apiServer: "reads the API server, not a host: test/unit/kubernetes/object-read.test.ts" },
  [kubernetes.MANIFESTS_TYPE]: {
    read: read({ connection: conn(), content: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n", kubeconfig: "/etc/kubernetes/admin.kubeconfig", timeout: 60, objects: ["configmap/a -n default"], digest: "0", present: ["configmap/a -n default"] }),
    // The API lists no such object: the resource stays, and `present` says what is gone.
    world: { exec: (_h, cmd) => (cmd.includes("kubectl") ? { code: 0, stdout: "", stderr: "" } : undefined) },
    answered: "present",
  },
};

const tokens = Object.keys(builtinProviders(fakeHosts("answers").connect)).sort();

/** The built-in provider for `token`, reaching hosts that behave as `how`. */
function providerOn(token: string, how: Behaviour, world?: World): { p: AnyProvider; close(): void } {
  const hosts = fakeHosts(how, world);
  return { p: builtinProviders(hosts.connect)[token]!, close: hosts.close };
}

describe("read says gone only on positive evidence", () => {
  it("has a case for every built-in provider", () => {
    expect(tokens.filter((t) => !(t in CASES))).toEqual([]);
  });

  for (const token of tokens) {
    const c = CASES[token];
    if (!c) continue;
    if ("stateOnly" in c) {
      it(`${token}: has no read (${c.stateOnly}), so refresh keeps it as it is`, () => {
        expect(builtinProviders(fakeHosts("answers").connect)[token]!.read).toBeUndefined();
      });
      continue;
    }
    if ("localFile" in c || "apiServer" in c) continue;
    for (const failure of FAILURES) {
      const why = c.unaffected?.[failure];
      it(`${token}: a host that fails (${failure}) ${why ? `is not touched (${why})` : "is an error naming the host"}`, async () => {
        const { p, close } = providerOn(token, failure, c.world);
        try {
          if (why) await expect(c.read(p)).resolves.toBeDefined();
          else await expect(c.read(p)).rejects.toThrow(/ops@10\.9\.9\.\d/);
        } finally {
          close();
        }
      });
    }
    it(`${token}: a host that answers ${c.answered === "absent" ? "that it is absent: gone" : "is read, never gone"}`, async () => {
      const { p, close } = providerOn(token, "answers", c.world);
      try {
        if (c.answered === "absent") await expect(c.read(p)).resolves.toBeUndefined();
        else await expect(c.read(p)).resolves.toMatchObject({ id: "id" });
      } finally {
        close();
      }
    });
  }
});

describe("local.File read", () => {
  const p = builtinProviders(fakeHosts("answers").connect)[local.FILE_TYPE]!;
  const inputs = { path: "x", content: "", mode: "0644" };

  it("is gone when the file does not exist", async () => {
    await expect(p.read!(join(tmp, "nope.txt"), {} as never, inputs as never, ctx)).resolves.toBeUndefined();
  });

  it("is an error naming the path when the file cannot be read (a symlink loop, a directory)", async () => {
    const loop = join(tmp, "loop");
    symlinkSync(loop, loop);
    await expect(p.read!(loop, {} as never, inputs as never, ctx)).rejects.toThrow(loop);
    const dir = join(tmp, "a-dir");
    mkdirSync(dir);
    await expect(p.read!(dir, {} as never, inputs as never, ctx)).rejects.toThrow(/EISDIR/);
  });
});

describe("ssh.File read", () => {
  const root = process.getuid?.() === 0;
  if (!root) console.warn("SKIP ssh.File permission case: needs root to run the fake host's commands as another user");
  it.skipIf(!root)("is an error naming the host when the login user may not look into the folder (not gone)", async () => {
    const dir = join(tmp, "private");
    mkdirSync(join(dir, "etc"), { recursive: true });
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, "etc", "app.conf"), "x");
    const hosts = fakeHosts("answers", { uid: 65534 });
    try {
      const p = builtinProviders(hosts.connect)[ssh.FILE_TYPE]!;
      const inputs = ssh.FileArgsSchema.parse({ connection: conn(), path: join(dir, "etc", "app.conf"), content: "x" });
      await expect(p.read!("id", inputs as never, inputs as never, ctx)).rejects.toThrow(/ops@10\.9\.9\.1: cannot read .*app\.conf.*Permission denied/);
    } finally {
      hosts.close();
    }
  });
});
