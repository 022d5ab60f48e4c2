/** The release's lock: digests pinned in state when it is created; later runs read no checksum, and a file changed upstream is refused. */
import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fetchArtifact } from "../../../installer/artifacts/fetch.js";
import { releaseProvider, type ReleaseInputs } from "../../../installer/providers/kubernetes/release.js";
import { writeFakeMirror } from "./fake-mirror.js";

const dir = mkdtempSync(join(tmpdir(), "drydock-release-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { log: () => {}, signal: new AbortController().signal } as never;

describe("release lock", () => {
  const root = join(dir, "mirror");
  const base = `file://${root}`;
  writeFakeMirror(root, base);
  const p = releaseProvider();

  it("check fills every version from the known-good set, and lists the files for the plan", async () => {
    const r = await p.check!(undefined, { version: "v1.37.2", mirror: { url: base } });
    const i = r.inputs as ReleaseInputs;
    expect(i.versions).toEqual({ kubernetes: "v1.37.2", etcd: "v3.6.17", containerd: "v2.4.2", runc: "v1.5.3", cni: "v1.10.0", crictl: "v1.37.0", coredns: "v1.14.6" });
    expect(i.imageTags).toEqual({ pause: "3.10.2", agnhost: "2.66.1", coredns: "v1.14.6" });
    expect(i.files.kubelet).toBe(`${base}/dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet`);
    expect(i.files.etcdctl).toBe(`${base}/github.com/etcd-io/etcd/releases/download/v3.6.17/etcd-v3.6.17-linux-amd64.tar.gz`);
    expect(i.files["image-pause"]).toBe(`${base}/images/registry.k8s.io/pause/3.10.2/linux-amd64.tar`);
  });

  it("refuses bad input naming the field and value", async () => {
    const r = await p.check!(undefined, { version: "1.37", components: { etcd: "3.6" } });
    expect(r.failures).toEqual([
      { property: "version", reason: 'must be a Kubernetes release such as "v1.37.2" (got "1.37")' },
      { property: "components.etcd", reason: 'etcd must be a release tag such as "v1.2.3" (got "3.6")' },
    ]);
    const unknownMinor = await p.check!(undefined, { version: "v1.31.0" });
    expect(unknownMinor.failures?.[0]?.reason).toMatch(/^drydock has no known-good versions for Kubernetes v1.31 \(it knows v1.37\): set components.etcd, components.containerd/);
  });

  it("pins on create; an unchanged release needs no checksum again; a changed file is refused before upload", async () => {
    const i = (await p.check!(undefined, { version: "v1.37.2", mirror: { url: base } })).inputs as ReleaseInputs;
    const created = await p.create(i, ctx);
    const made = { id: created.id, outs: created.outs! };
    const kubelet = (made.outs.artifacts as Record<string, { sha256: string; url: string }>).kubelet!;
    expect(kubelet.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The mirror disappears: the plan still works from the lock.
    renameSync(root, `${root}.away`);
    const again = (await p.check!(made.outs as never, { version: "v1.37.2", mirror: { url: base } })).inputs as ReleaseInputs;
    expect(await p.diff!(made.id, made.outs, again, i)).toEqual({ changes: false });
    expect(p.read).toBeUndefined(); // refresh keeps the lock as it is
    renameSync(`${root}.away`, root);

    // The file changes on the mirror (its checksum file too): the pinned digest refuses it.
    writeFileSync(join(root, "dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet"), "changed upstream\n");
    const e = await fetchArtifact(kubelet as never, undefined, join(dir, "cache")).catch((x: Error) => x.message);
    expect(e).toBe(`artifact kubelet v1.37.2 (${kubelet.url}): sha256 mismatch: expected ${kubelet.sha256}, got ${createHash("sha256").update("changed upstream\n").digest("hex")}; nothing was uploaded`);
  });

  it("a version change says what changes", async () => {
    const a = (await p.check!(undefined, { version: "v1.37.2", mirror: { url: base } })).inputs as ReleaseInputs;
    const b = (await p.check!(undefined, { version: "v1.37.2", components: { etcd: "v3.6.18" }, mirror: { url: base } })).inputs as ReleaseInputs;
    expect(await p.diff!("x", {} as never, b, a)).toEqual({ changes: true, note: "etcd v3.6.17 → v3.6.18" });
  });
});
