/**
 * The lab's release mirror (npm run lab:kube): every binary built from its pinned module reports
 * its real version, every checksum file (in its upstream's format) matches its file, the release
 * resolves from the mirror over HTTPS with the lab's CA, the config-API field lists in sdk/ match
 * the release's Go types, and a file changed on the mirror is refused by the pinned digest before
 * anything could be uploaded.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, expect, it } from "vitest";
import { fetchArtifact } from "../../../installer/artifacts/fetch.js";
import { resolveRelease } from "../../../installer/release/resolve.js";
import { describeKube } from "./kube-env.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describeKube("the lab's Kubernetes release mirror", (_lab, kube) => {
  const dir = mkdtempSync(join(tmpdir(), "drydock-kube-release-"));
  process.env.DRYDOCK_CACHE_DIR = join(dir, "cache");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const v = kube.release.versions;
  const input = { versions: { kubernetes: v.kubernetes!, etcd: v.etcd!, containerd: v.containerd!, runc: v.runc!, cni: v.cni!, crictl: v.crictl!, coredns: v.coredns! }, arch: "amd64", images: { pause: v.pause!, agnhost: v.agnhost!, coredns: v.coredns! } };

  /** The artifact's bytes as a runnable file in the test's folder. */
  async function runnable(a: Parameters<typeof fetchArtifact>[0]): Promise<string> {
    const path = join(dir, `${a.name}`);
    writeFileSync(path, await fetchArtifact(a));
    chmodSync(path, 0o755);
    return path;
  }

  it("resolves from the mirror over HTTPS with the lab's CA; every pinned digest is the file's own", async () => {
    const r = await resolveRelease({ ...input, mirror: { url: kube.LAB_KUBE_MIRROR!, caPem: kube.caPem } });
    expect(Object.keys(r.artifacts)).toHaveLength(18);
    const root = kube.LAB_KUBE_MIRROR_DIR!;
    for (const a of [...Object.values(r.artifacts), ...Object.values(r.images).map((i) => i.archive)]) {
      const file = join(root, new URL(a.url).pathname);
      expect(sha(readFileSync(file)), a.url).toBe(a.sha256);
    }
    for (const [k, img] of Object.entries(r.images)) expect(img.digest, k).toBe(kube.release.images[k]!.digest);
    // What the lab recorded when it wrote the mirror agrees too.
    for (const f of kube.release.files) expect(sha(readFileSync(join(root, f.path))), f.path).toBe(f.sha256);
  }, 120_000);

  it("every binary reports its real version", async () => {
    const r = await resolveRelease({ ...input, mirror: { url: kube.LAB_KUBE_MIRROR!, caPem: kube.caPem } });
    const version = async (role: keyof typeof r.artifacts, ...args: string[]) => {
      const out = await execa(await runnable(r.artifacts[role]), args, { all: true, reject: false });
      return out.all ?? "";
    };
    for (const b of ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"] as const) {
      expect(await version(b, "--version"), b).toBe(`Kubernetes ${v.kubernetes}`);
    }
    expect(await version("kubectl", "version", "--client")).toContain(`Client Version: ${v.kubernetes}`);
    expect(await version("etcd", "--version")).toContain(`etcd Version: ${v.etcd!.slice(1)}`);
    expect(await version("etcdctl", "version")).toContain(`etcdctl version: ${v.etcd!.slice(1)}`);
    expect(await version("containerd", "--version")).toMatch(new RegExp(`^containerd github.com/containerd/containerd/v2 ${v.containerd} `));
    expect(await version("ctr", "--version")).toContain(`ctr github.com/containerd/containerd/v2 ${v.containerd}`);
    expect(await version("containerd-shim-runc-v2", "-v")).toContain(`Version:  ${v.containerd}`);
    expect(await version("runc", "--version")).toMatch(new RegExp(`^runc version ${v.runc!.slice(1)}\\n[\\s\\S]*libseccomp: 2\\.`));
    for (const p of ["bridge", "host-local", "loopback", "portmap"] as const) expect(await version(`cni-${p}`, "--version"), p).toContain(` ${v.cni}`);
    expect(await version("crictl", "--version")).toBe(`crictl version ${v.crictl}`);
    expect(await version("coredns", "-version")).toContain(`CoreDNS-${v.coredns!.slice(1)}`);
  }, 120_000);

  it("the config-API field lists drydock checks kubelet settings against are the release's own Go types", async () => {
    const r = await execa("node", [join(import.meta.dirname, "../../lab/kube/gen-config-fields.mjs"), kube.LAB_KUBE_VERSION!, "--check"], { reject: false, all: true });
    expect(r.all).toMatch(/matches v1\.\d+\.\d+$/);
    expect(r.exitCode).toBe(0);
  }, 300_000);

  it("the flag lists drydock checks component flags against are the release's binaries' own", async () => {
    const r = await execa("node", [join(import.meta.dirname, "../../lab/kube/gen-flags.mjs"), kube.LAB_KUBE_VERSION!, "--check"], { reject: false, all: true, env: { ...process.env, LAB_KUBE_MIRROR_DIR: kube.LAB_KUBE_MIRROR_DIR! } });
    expect(r.all).toMatch(/matches v1\.\d+\.\d+$/);
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it("a file changed on the mirror is refused by the digest pinned from the checksum file, naming it", async () => {
    // A copy of the mirror (hard links: cheap) whose kubelet is replaced; its checksum file is not.
    const copy = join(dir, "mirror");
    await execa("cp", ["-al", kube.LAB_KUBE_MIRROR_DIR!, copy]);
    const r = await resolveRelease({ ...input, mirror: { url: `file://${copy}` } });
    const kubelet = join(copy, "dl.k8s.io", v.kubernetes!, "bin/linux/amd64/kubelet");
    unlinkSync(kubelet);
    writeFileSync(kubelet, "#!/bin/sh\necho not kubelet\n");
    process.env.DRYDOCK_CACHE_DIR = join(dir, "cache-empty");
    const e = await fetchArtifact(r.artifacts.kubelet).catch((x: Error) => x.message);
    expect(e).toMatch(new RegExp(`^artifact kubelet ${v.kubernetes} \\(file://${copy}/dl.k8s.io/.*/kubelet\\): sha256 mismatch: expected ${r.artifacts.kubelet.sha256}, got [0-9a-f]{64}; nothing was uploaded$`));
    process.env.DRYDOCK_CACHE_DIR = join(dir, "cache");
  }, 120_000);
});
