import { describe, expect, it } from "vitest";
import { FakeTransport } from "../../../installer/transport/fake.js";

describe("FakeTransport.upload checks path and mode like the SSH upload", () => {
  it("refuses a relative path, a control character and a mode that is not octal, and stores nothing", async () => {
    const t = new FakeTransport("root@h");
    await expect(t.upload("x", "etc/x.conf")).rejects.toThrow('root@h: upload: path "etc/x.conf" must be absolute');
    await expect(t.upload("x", "/etc/a\nb")).rejects.toThrow(/must not contain control characters/);
    await expect(t.upload("x", "/etc/dir/")).rejects.toThrow(/must name a file/);
    await expect(t.upload("x", "/etc/x.conf", { mode: "0999" })).rejects.toThrow('root@h: upload /etc/x.conf: mode "0999" is not octal permission bits');
    await expect(t.upload("x", "/etc/x.conf", { mode: "rw-r--r--" })).rejects.toThrow(/not octal/);
    expect(t.files.size).toBe(0);
  });

  it("stores a good upload with its mode padded to four digits", async () => {
    const t = new FakeTransport();
    await t.upload("x", "/etc/x.conf", { mode: "600" });
    expect(t.files.get("/etc/x.conf")?.mode).toBe("0600");
  });
});
