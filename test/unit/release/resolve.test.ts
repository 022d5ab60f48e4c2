/** Resolving a release from a mirror: every sha256 from its checksum file, and clear errors naming the artifact and URL. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRelease } from "../../../installer/release/resolve.js";
import { VERSIONS, writeFakeMirror } from "./fake-mirror.js";

const dir = mkdtempSync(join(tmpdir(), "drydock-release-unit-"));
process.env.DRYDOCK_CACHE_DIR = join(dir, "cache");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const images = { pause: "3.10.2", agnhost: "2.66.1", coredns: VERSIONS.coredns };

describe("resolving from a file:// mirror", () => {
  const root = join(dir, "mirror");
  const base = `file://${root}`;
  let fake: ReturnType<typeof writeFakeMirror>;
  beforeAll(() => { fake = writeFakeMirror(root, base); });

  it("pins every artifact and image by the mirror's checksum files", async () => {
    const r = await resolveRelease({ versions: VERSIONS, arch: "amd64", images, mirror: { url: base } });
    expect(Object.keys(r.artifacts).sort()).toHaveLength(18);
    for (const a of Object.values(r.artifacts)) expect(a.sha256).toBe(fake.sums[a.url]);
    expect(r.artifacts.etcdctl).toMatchObject({ path: "etcd-v3.6.17-linux-amd64/etcdctl", version: "v3.6.17" });
    expect(r.artifacts.kubelet.path).toBeUndefined();
    expect(r.images.pause).toMatchObject({ name: "registry.k8s.io/pause:3.10.2", digest: fake.digests.pause });
    expect(r.images.agnhost!.archive.sha256).toBe(fake.sums[r.images.agnhost!.archive.url]);
  });

  it("an unknown version: names the artifact, the missing checksum file's URL, and asks whether it is on the mirror", async () => {
    const e = await resolveRelease({ versions: { ...VERSIONS, kubernetes: "v1.99.0" }, arch: "amd64", images, mirror: { url: base } }).catch((x: Error) => x);
    expect((e as Error).message).toMatch(new RegExp(`^(kube-[a-z-]+|kubelet|kubectl) v1\\.99\\.0 \\(${base}/dl\\.k8s\\.io/v1\\.99\\.0/bin/linux/amd64/[a-z-]+\\): checksum file not found: ${base}/dl\\.k8s\\.io/v1\\.99\\.0/bin/linux/amd64/[a-z-]+\\.sha256: no such file \\(is .* on the mirror\\?\\)$`));
  });

  it("a checksum file that does not list the file is refused, naming it", async () => {
    const sums = join(root, "github.com/etcd-io/etcd/releases/download/v3.6.17/SHA256SUMS");
    writeFileSync(sums, `${"b".repeat(64)}  etcd-v3.6.17-linux-arm64.tar.gz\n`);
    const e = await resolveRelease({ versions: VERSIONS, arch: "amd64", images, mirror: { url: base } }).catch((x: Error) => x.message);
    expect(e).toBe(`etcd, etcdctl v3.6.17 (${base}/github.com/etcd-io/etcd/releases/download/v3.6.17/etcd-v3.6.17-linux-amd64.tar.gz): ${base}/github.com/etcd-io/etcd/releases/download/v3.6.17/SHA256SUMS: lists no etcd-v3.6.17-linux-amd64.tar.gz`);
    writeFakeMirror(root, base);
  });

  it("an image archive that does not match its .sha256 is refused before anything else happens", async () => {
    const archive = join(root, "images/registry.k8s.io/pause/3.10.2/linux-amd64.tar");
    writeFileSync(archive, "tampered");
    process.env.DRYDOCK_CACHE_DIR = join(dir, "cache-empty"); // the good bytes are cached from the first test
    const e = await resolveRelease({ versions: VERSIONS, arch: "amd64", images: { pause: "3.10.2" }, mirror: { url: base } }).catch((x: Error) => x.message);
    expect(e).toMatch(new RegExp(`^image registry.k8s.io/pause:3.10.2 \\(${base}/images/registry.k8s.io/pause/3.10.2/linux-amd64.tar\\): artifact image-pause 3.10.2 .*: sha256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}; nothing was uploaded`));
    writeFakeMirror(root, base);
    process.env.DRYDOCK_CACHE_DIR = join(dir, "cache");
  });
});

describe("resolving from an https mirror with its own CA", () => {
  const root = join(dir, "https-mirror");
  let server: Server;
  let base = "";
  let caPem = "";
  beforeAll(async () => {
    const ossl = (...a: string[]) => execaSync("openssl", a, { cwd: dir });
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=unit mirror CA", "-keyout", "ca.key", "-out", "ca.crt");
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=mirror", "-keyout", "srv.key", "-out", "srv.csr");
    writeFileSync(join(dir, "ext"), "subjectAltName=IP:127.0.0.1\n");
    ossl("x509", "-req", "-in", "srv.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext", "-out", "srv.crt");
    caPem = execaSync("cat", [join(dir, "ca.crt")]).stdout;
    const { readFile } = await import("node:fs/promises");
    server = createServer({ cert: execaSync("cat", [join(dir, "srv.crt")]).stdout, key: execaSync("cat", [join(dir, "srv.key")]).stdout }, (req, res) => {
      readFile(join(root, decodeURIComponent(req.url!.split("?")[0]!))).then((b) => res.end(b), () => res.writeHead(404).end());
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    writeFakeMirror(root, base);
  });
  afterAll(() => server?.close());

  it("verifies the mirror against the CA given, and resolves", async () => {
    const r = await resolveRelease({ versions: VERSIONS, arch: "amd64", images: { pause: "3.10.2" }, mirror: { url: base, caPem } });
    expect(r.artifacts.kubelet.url).toBe(`${base}/dl.k8s.io/v1.37.2/bin/linux/amd64/kubelet`);
    expect(r.artifacts.kubelet.caPem).toBe(caPem);
    expect(r.images.pause!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses the mirror without its CA (never skips verification)", async () => {
    const e = await resolveRelease({ versions: VERSIONS, arch: "amd64", images: {}, mirror: { url: base } }).catch((x: Error) => x.message);
    expect(e).toMatch(/cannot read the checksum file: https:\/\/127\.0\.0\.1:\d+\/.*: certificate chain ends in an untrusted CA \(give the mirror's CA\)|not signed by a trusted CA/);
  });

  it("an unreachable mirror: connection refused, naming the URL", async () => {
    const e = await resolveRelease({ versions: VERSIONS, arch: "amd64", images: {}, mirror: { url: "https://127.0.0.1:9", caPem } }).catch((x: Error) => x.message);
    expect(e).toMatch(/\(https:\/\/127\.0\.0\.1:9\/.*\): cannot read the checksum file: https:\/\/127\.0\.0\.1:9\/.*: connection refused \(ECONNREFUSED\)$/);
  });
});
