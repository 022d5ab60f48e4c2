/**
 * A host that goes away while a command's stdin is still flowing, seen
 * through a jump host: the forwarded stream ends, and our writes are stuck
 * behind it. The command must fail, retryably, at once; not wait for a
 * close that never comes.
 */
import { once } from "node:events";
import { connect, type AddressInfo, type Socket } from "node:net";
import { Duplex } from "node:stream";
import ssh2 from "ssh2";
import { afterEach, expect, it } from "vitest";
import { runOnChannel } from "../../../installer/transport/ssh/channel.js";
import { isRetryable, openClient } from "../../../installer/transport/ssh/connect.js";
import { serverKey } from "./server-key.js";

/** Stands in for a jump host's forwarded channel: it can end its reading side while our writes hang. */
class Forwarded extends Duplex {
  private severed = false;
  constructor(private readonly socket: Socket) {
    super();
    socket.on("data", (b: Buffer) => this.severed || this.push(b));
    socket.on("error", () => {});
  }
  _read(): void {}
  _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    // Once severed, nothing drains: the window is full and the far end is gone.
    if (!this.severed) this.socket.write(chunk, done);
  }
  sever(): void {
    this.severed = true;
    this.push(null);
  }
  _destroy(e: Error | null, done: (e?: Error | null) => void): void {
    this.socket.destroy();
    done(e);
  }
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

it("a stream that ends under a command whose stdin is still being written fails the command, retryably, at once", async () => {
  const { private: hostKey, fingerprint } = serverKey();
  let forwarded: Forwarded | undefined;
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    client.on("error", () => {});
    client.on("authentication", (ctx) => ctx.accept());
    client.on("session", (accept) => {
      accept().on("exec", (acceptExec) => {
        const ch = acceptExec();
        let got = 0;
        ch.on("data", (b: Buffer) => {
          got += b.length;
          if (got > 256 * 1024) forwarded?.sever();
        });
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => server.close());
  const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
  await once(socket, "connect");
  forwarded = new Forwarded(socket);
  const { client, lost } = await openClient({ host: "10.0.0.9", port: 22, user: "u", password: "pw", hostKeys: [fingerprint] }, forwarded);
  closers.push(() => client.destroy());

  const started = Date.now();
  const outcome = await runOnChannel(client, "u@10.0.0.9", "cat > /tmp/x", {
    stdin: Buffer.alloc(32 << 20), timeoutMs: 20_000, display: "upload /tmp/x", lost,
  }, () => {}).then(() => new Error("finished"), (e: Error) => e);
  expect(outcome.message).toMatch(/connection lost while running: upload \/tmp\/x/);
  expect(isRetryable(outcome)).toBe(true);
  expect(Date.now() - started).toBeLessThan(5_000);
}, 30_000);
