import { describe, expect, it } from "vitest";
import { checkWith, etcd } from "../../../sdk/index.js";
import { systemdQuoted } from "../../../installer/render/template.js";
import { renderTemplate } from "../../../installer/render/template.js";
import { z } from "zod";

const failures = (dataDir: string) => checkWith(z.object({ dataDir: etcd.DataDirSchema }), { dataDir }).failures ?? [];
const unit = (dataDir: string) => renderTemplate("etcd/etcd.service", {
  name: "a", clusterName: "main", dataDir, listenAddress: "10.0.0.1", urlAddress: "10.0.0.1", clientPort: 2379, peerPort: 2380,
  heartbeatInterval: 100, electionTimeout: 1000, snapshotCount: 10000, quotaBackendBytes: 0, autoCompactionRetention: "0",
});

describe("dataDir must be a dedicated directory", () => {
  it.each([
    ["/", /not the system's \//],
    ["/var", /at least two levels under \/var/],
    ["/var/lib", /at least two levels under \/var/],
    ["/srv/etcd", /at least two levels under \/srv/],
    ["/home/ops", /at least two levels under \/home/],
    ["/etc/etcd", /not the system's \/etc tree/],
    ["/usr/local/etcd", /not the system's \/usr tree/],
    ["/tmp/etcd/data", /not the system's \/tmp tree/],
    ["/etcd", /not a top-level one/],
    ["/var/lib/dpkg", /not \/var\/lib\/dpkg/],
    ["/var/lib/etcd/", /must not end with \//],
    ["/var/lib/../etcd", /normalised/],
    ["var/lib/etcd", /absolute/],
    ["/var/lib/et cd", /whitespace or control characters/],
    ["/var/lib/etcd\n[Service]\nExecStartPre=/bin/sh -c id", /whitespace or control characters/],
    ["/var/lib/etcd%n", /must not contain % \(systemd expands it\)/],
    ["/var/lib/etcd$HOME", /quotes, backslashes, \$/],
  ])("refuses %j, naming the field and the value", (dir, why) => {
    const f = failures(dir);
    expect(f).toHaveLength(1);
    expect(f[0]!.property).toBe("dataDir");
    expect(f[0]!.reason).toMatch(why);
    expect(f[0]!.reason).toContain(`(got ${JSON.stringify(dir)})`);
  });

  it.each(["/var/lib/etcd", "/var/lib/etcd/main", "/srv/etcd/data", "/data/etcd", "/opt/etcd/data"])("accepts %j", (dir) => {
    expect(failures(dir)).toEqual([]);
  });
});

describe("systemd values are escaped by the renderer", () => {
  it("escapes what systemd would expand or end the word at", () => {
    expect(systemdQuoted('/a%b$c\\d"e f')).toBe('/a%%b$$c\\\\d\\"e f');
  });

  it("refuses a control character, naming the value", () => {
    expect(() => systemdQuoted("/var/lib/x\n[Service]")).toThrow(/control character \(U\+000a\)/);
  });

  it("the unit quotes and escapes dataDir, and refuses a newline in it", () => {
    expect(unit("/var/lib/a%b")).toContain('  "--data-dir=/var/lib/a%%b" \\\n');
    expect(() => unit("/var/lib/x\nExecStartPre=/bin/id")).toThrow(
      /template etcd\/etcd.service: dataDir "\/var\/lib\/x\\nExecStartPre=\/bin\/id" contains a control character/,
    );
  });
});
