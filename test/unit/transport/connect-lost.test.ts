import { once } from "node:events";
import { createServer, type AddressInfo, type Server } from "node:net";
import ssh2 from "ssh2";
import { afterEach, describe, expect, it } from "vitest";
import { isRetryable, openClient } from "../../../installer/transport/ssh/connect.js";
import { serverKey } from "./server-key.js";
import type { Connection } from "../../../sdk/ssh/connection.js";

const conn = (port: number, hostKeys: string[]): Connection => ({ host: "127.0.0.1", port, user: "u", password: "pw", hostKeys });

/** Settles within `ms`, or says it hung. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, fail) => (t = setTimeout(() => fail(new Error(`still pending after ${ms} ms`)), ms)))])
    .finally(() => clearTimeout(t));
}

describe("a connection the host drops before it is ready (sshd killed mid-login)", () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it("after the key exchange, during authentication: a retryable error, not a promise that never settles", async () => {
    const { private: hostKey, fingerprint } = serverKey();
    const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
      client.on("error", () => {});
      // What a killed sshd looks like from the client: the socket just closes, no SSH error.
      client.on("authentication", () => client.end());
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    closers.push(() => server.close());
    const err = await within(openClient(conn((server.address() as AddressInfo).port, [fingerprint])).then(() => undefined, (e: Error) => e), 5_000);
    expect(err?.message).toMatch(/closed the connection before it was ready/);
    expect(isRetryable(err)).toBe(true);
  });

  it("after the banner, before the key exchange: retryable too", async () => {
    const server: Server = createServer((s) => {
      s.on("error", () => {});
      s.end("SSH-2.0-OpenSSH_10.0\r\n");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    closers.push(() => server.close());
    const err = await within(openClient(conn((server.address() as AddressInfo).port, [])).then(() => undefined, (e: Error) => e), 5_000);
    expect(err).toBeInstanceOf(Error);
    expect(isRetryable(err)).toBe(true);
  });
});
