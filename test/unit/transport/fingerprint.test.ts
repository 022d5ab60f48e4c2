import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fingerprintOfBlob, hostKeyAlgorithms, parsePin } from "../../../installer/transport/ssh/fingerprint.js";
import { HostKeySchema } from "../../../sdk/ssh/connection.js";

const dir = mkdtempSync(join(tmpdir(), "dd-fp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function keygen(type: string): { line: string; fingerprint: string } {
  const f = join(dir, `k-${type}-${n++}`);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", f]);
  const out = execFileSync("ssh-keygen", ["-lf", `${f}.pub`]).toString();
  return { line: readFileSync(`${f}.pub`, "utf8").trim(), fingerprint: out.split(" ")[1]! };
}

describe("host key fingerprints", () => {
  for (const type of ["ed25519", "ecdsa", "rsa"]) {
    it(`match ssh-keygen -lf for ${type} keys`, () => {
      const k = keygen(type);
      const blob = Buffer.from(k.line.split(" ")[1]!, "base64");
      expect(fingerprintOfBlob(blob)).toBe(k.fingerprint);
      expect(parsePin(k.line).fingerprint).toBe(k.fingerprint);
      expect(HostKeySchema.safeParse(k.line).success).toBe(true);
      expect(HostKeySchema.safeParse(k.fingerprint).success).toBe(true);
    });
  }

  it("keeps a fingerprint pin as it is, with no key type", () => {
    expect(parsePin("SHA256:abc")).toEqual({ fingerprint: "SHA256:abc" });
  });

  it("refuses a corrupt public key line", () => {
    const k = keygen("ed25519");
    const [type, b64] = k.line.split(" ");
    expect(() => parsePin(`ssh-rsa ${b64}`)).toThrow(/corrupt/);
    expect(() => parsePin(`${type}`)).toThrow(/not a host key/);
  });

  it("rejects malformed pins in the schema", () => {
    expect(HostKeySchema.safeParse("SHA256:short").success).toBe(false);
    expect(HostKeySchema.safeParse("MD5:aa:bb").success).toBe(false);
  });

  it("asks the server for the pinned key type when every pin is a key line", () => {
    const a = parsePin(keygen("ed25519").line);
    const b = parsePin(keygen("rsa").line);
    expect(hostKeyAlgorithms([a])).toEqual(["ssh-ed25519"]);
    expect(hostKeyAlgorithms([a, b])).toEqual(["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(hostKeyAlgorithms([a, { fingerprint: "SHA256:x" }])).toBeUndefined();
  });
});
