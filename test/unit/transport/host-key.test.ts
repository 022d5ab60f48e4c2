import { once } from "node:events";
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import { openClient } from "../../../installer/transport/ssh/connect.js";
import { fingerprintOfBlob } from "../../../installer/transport/ssh/fingerprint.js";
import type { Connection } from "../../../sdk/ssh/connection.js";

/** An sshd on loopback with its own ed25519 host key that lets anyone in. */
async function sshd(port = 0): Promise<{ server: ssh2.Server; port: number; fingerprint: string }> {
  const key = ssh2.utils.generateKeyPairSync("ed25519");
  const parsed = ssh2.utils.parseKey(key.private);
  if (parsed instanceof Error) throw parsed;
  const fingerprint = fingerprintOfBlob((Array.isArray(parsed) ? parsed[0]! : parsed).getPublicSSH());
  const server = new ssh2.Server({ hostKeys: [key.private] }, (client) => {
    client.on("authentication", (ctx) => ctx.accept());
    client.on("error", () => {});
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port, fingerprint };
}

const OTHER = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const conn = (port: number, hostKeys: string[]): Connection => ({ host: "127.0.0.1", port, user: "u", password: "pw", hostKeys });

describe("host key refusals", () => {
  const servers: ssh2.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it("a first contact that misses the pin does not match it; nothing is said to have changed", async () => {
    const s = await sshd();
    servers.push(s.server);
    const err = await openClient(conn(s.port, [OTHER])).then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain(`host key ${s.fingerprint} (ssh-ed25519) does not match the pinned key ${OTHER}; refusing to connect`);
    expect(err?.message).not.toMatch(/CHANGED/i);
  });

  it("a key that differs from the one this endpoint verified with before is a change, naming both", async () => {
    const a = await sshd();
    const ok = await openClient(conn(a.port, [a.fingerprint]));
    ok.client.end();
    a.server.close();
    await once(a.server, "close");
    const b = await sshd(a.port);
    servers.push(b.server);
    const err = await openClient(conn(a.port, [a.fingerprint])).then(() => undefined, (e: Error) => e);
    expect(err?.message).toContain(`HOST KEY CHANGED: it was ${a.fingerprint} earlier in this run, now ${b.fingerprint} (ssh-ed25519)`);
  });
});
