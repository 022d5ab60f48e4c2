import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { certsDue, ensureCerts } from "../../../installer/providers/etcd/certs.js";
import { inputs } from "./fake-etcd.js";

describe("the cluster's own CA (m8)", () => {
  const i = inputs(["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
  const now = new Date("2026-01-01T00:00:00Z");

  it("is re-signed with its key once a new leaf could outlive it, keeping the members' certificates, and the plan says so", async () => {
    const first = await ensureCerts(i, undefined, i.members, now);
    // 3650 days on, less than certValidity + certRenewBefore (395 days) is left.
    const late = new Date(now.getTime() + 3300 * 864e5);
    expect(certsDue(first, i, now)).toBeUndefined();
    expect(certsDue(first, i, late)).toMatch(/^the cluster's own CA is re-signed with its key \(renewal: expires 2035-12-30 \(in 350 days, renewBefore 395d\)\)/);
    const renewed = await ensureCerts(i, first, i.members, late);
    const [a, b] = [new X509Certificate(first.ca.certPem), new X509Certificate(renewed.ca.certPem)];
    expect(b.publicKey.export({ format: "pem", type: "spki" })).toBe(a.publicKey.export({ format: "pem", type: "spki" }));
    expect(Date.parse(b.validTo)).toBeGreaterThan(Date.parse(a.validTo));
    // The leaves it issued before still verify against the re-signed CA (same key and name).
    expect(new X509Certificate(first.members["etcd-1"]!.peer.certPem).verify(b.publicKey)).toBe(true);
  });
});
