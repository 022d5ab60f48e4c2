import { describe, expect, it } from "vitest";
import type { CheckContext } from "../../../sdk/index.js";
import { fileProvider as sshFile } from "../../../installer/providers/ssh/file.js";
import { fileProvider as localFile } from "../../../installer/providers/local/file.js";
import { FakeTransport } from "../../../installer/transport/fake.js";

const KEY = "SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U";
const conn = { host: "h", port: 22, user: "root", privateKeyPath: "/k", hostKeys: [KEY] };
const secret: CheckContext = { urn: "urn:x", dryRun: true, secretInputs: ["content"] };
const plain: CheckContext = { urn: "urn:x", dryRun: true, secretInputs: [] };

describe("a file whose content is secret is private unless a mode is given", () => {
  const cases = [
    ["ssh.File", sshFile(() => new FakeTransport()), { connection: conn, path: "/etc/k.pem", content: "KEY" }],
    ["local.File", localFile, { path: "k.pem", content: "KEY" }],
  ] as const;
  for (const [name, p, args] of cases) {
    it(name, async () => {
      expect((await p.check!(undefined, { ...args }, secret)).inputs?.mode).toBe("0600");
      expect((await p.check!(undefined, { ...args }, plain)).inputs?.mode).toBe("0644");
      expect((await p.check!(undefined, { ...args }, undefined)).inputs?.mode).toBe("0644");
      // An explicit mode always wins, even a wider one.
      expect((await p.check!(undefined, { ...args, mode: "644" }, secret)).inputs?.mode).toBe("0644");
      expect((await p.check!(undefined, { ...args, mode: "0400" }, plain)).inputs?.mode).toBe("0400");
    });
  }
});

describe("ssh.File paths", () => {
  it("refuses a control character in the path at check time, naming the field and the value", async () => {
    const r = await sshFile(() => new FakeTransport()).check!(undefined, { connection: conn, path: "/etc/a\nb", content: "x" }, plain);
    expect(r.failures).toEqual([{ property: "path", reason: 'path must not contain control characters (newline, tab, …) (got "/etc/a\\nb")' }]);
  });

  it("accepts spaces, quotes, $, ; and a leading - in a component", async () => {
    const path = `/srv/it's "a" $x;y/-n`;
    const r = await sshFile(() => new FakeTransport()).check!(undefined, { connection: conn, path, content: "x" }, plain);
    expect(r.failures).toBeUndefined();
    expect(r.inputs?.path).toBe(path);
  });
});
