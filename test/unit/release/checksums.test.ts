/** Each upstream's checksum file format, parsed to the digest of one named file. */
import { describe, expect, it } from "vitest";
import { parseChecksum } from "../../../installer/release/checksums.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "C".repeat(64);

describe("checksum files", () => {
  it("digest only (dl.k8s.io's kubelet.sha256, crictl's .sha256)", () => {
    expect(parseChecksum("digest", `${A}\n`, "kubelet", "u")).toBe(A);
    expect(parseChecksum("digest", C, "kubelet", "u")).toBe(C.toLowerCase());
  });

  it("digest only refuses anything else, naming the checksum file", () => {
    expect(() => parseChecksum("digest", "<html>404</html>", "kubelet", "https://m/kubelet.sha256")).toThrow('https://m/kubelet.sha256: expected a sha256 digest alone, got "<html>404</html>"');
    expect(() => parseChecksum("digest", `${A}  other-file`, "kubelet", "u")).toThrow(/expected a sha256 digest alone/);
  });

  it("sha256sum lines: one file (containerd's .sha256sum, CNI's .sha256) and many (etcd's SHA256SUMS)", () => {
    expect(parseChecksum("sumlines", `${A}  containerd-2.4.2-linux-amd64.tar.gz\n`, "containerd-2.4.2-linux-amd64.tar.gz", "u")).toBe(A);
    const sums = `${B}  etcd-v3.6.17-darwin-amd64.zip\n${A}  etcd-v3.6.17-linux-amd64.tar.gz\n${B}  etcd-v3.6.17-linux-arm64.tar.gz\n`;
    expect(parseChecksum("sumlines", sums, "etcd-v3.6.17-linux-amd64.tar.gz", "u")).toBe(A);
    // binary-mode marker and a leading ./ are sha256sum's too
    expect(parseChecksum("sumlines", `${A} *./runc.amd64\n`, "runc.amd64", "u")).toBe(A);
  });

  it("reads the signed text of runc's PGP clear-signed runc.sha256sum", () => {
    const signed = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${B}  runc.arm64\n${A}  runc.amd64\n${B}  runc.tar.xz\n-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n`;
    expect(parseChecksum("sumlines", signed, "runc.amd64", "u")).toBe(A);
  });

  it("refuses a file it does not list, a malformed line, and two different digests", () => {
    expect(() => parseChecksum("sumlines", `${A}  etcd-v3.6.17-linux-arm64.tar.gz\n`, "etcd-v3.6.17-linux-amd64.tar.gz", "https://m/SHA256SUMS"))
      .toThrow("https://m/SHA256SUMS: lists no etcd-v3.6.17-linux-amd64.tar.gz");
    expect(() => parseChecksum("sumlines", "not a checksum line\n", "x", "u")).toThrow('u: line "not a checksum line" is not "<sha256>  <file name>"');
    expect(() => parseChecksum("sumlines", `${A}  x\n${B}  x\n`, "x", "u")).toThrow("u: lists x 2 times with different digests");
  });
});
