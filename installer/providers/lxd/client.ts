/**
 * The LXD REST API on the server's unix socket, reached through the SSH
 * connection (stream-local forwarding): one HTTP request per forwarded
 * channel; asynchronous operations are waited on through the operations API.
 */
import http from "node:http";
import type { SocketOpener } from "../../transport/types.js";

export class LxdError extends Error {
  override readonly name = "LxdError";
  /** LXD itself answered "not found" (an error in its own JSON), not a proxy, another daemon or a failed operation. */
  readonly notFound: boolean;
  constructor(readonly status: number, message: string, from: "lxd" | "other" = "other") {
    super(message);
    this.notFound = from === "lxd" && status === 404;
  }
}

interface LxdResponse<T> {
  type: "sync" | "async" | "error";
  status_code?: number;
  error_code?: number;
  error?: string;
  operation?: string;
  metadata: T;
}

export interface Operation {
  id: string;
  status: string;
  status_code: number;
  err: string;
  metadata?: Record<string, unknown> | null;
}

export interface RequestOptions {
  /** A raw body (file push, image upload) and its headers. */
  readonly raw?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds before the exchange is abandoned (a stuck server or a dead connection). @default 90000 */
  readonly timeoutMs?: number;
}

export class LxdClient {
  constructor(private readonly opener: SocketOpener, private readonly socket: string) {}

  get name(): string {
    return `lxd at ${this.opener.name}`;
  }

  /** One HTTP exchange; resolves with status and body bytes. */
  async http(method: string, path: string, body?: unknown, o: RequestOptions = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
    const stream = await this.opener.openUnixSocket(this.socket);
    const payload = o.raw ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
    const timeoutMs = o.timeoutMs ?? 90_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
        stream.destroy();
      }, timeoutMs);
      const req = http.request({
        method, path, host: "lxd",
        createConnection: () => stream as never,
        headers: {
          ...(payload ? { "content-length": String(payload.length) } : {}),
          ...(payload && !o.raw ? { "content-type": "application/json" } : {}),
          ...o.headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          stream.destroy();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers });
        });
        res.on("error", reject);
      });
      req.on("error", (e) => {
        clearTimeout(timer);
        stream.destroy();
        reject(new Error(`${this.name}: ${method} ${path}: ${e.message}`));
      });
      req.end(payload);
    });
  }

  /** A JSON request; an async answer is waited for. Errors name the server, method, path and LXD's message. */
  async request<T = unknown>(method: string, path: string, body?: unknown, o: RequestOptions & { waitSeconds?: number } = {}): Promise<T> {
    const r = await this.http(method, path, body, o);
    let parsed: LxdResponse<T>;
    try {
      parsed = JSON.parse(r.body.toString()) as LxdResponse<T>;
    } catch {
      throw new LxdError(r.status, `${this.name}: ${method} ${path}: HTTP ${r.status}, not JSON: ${r.body.toString().slice(0, 200)}`);
    }
    if (parsed.type === "error" || r.status >= 400) {
      const from = parsed.type === "error" && r.status === 404 ? "lxd" : "other";
      throw new LxdError(parsed.error_code ?? r.status, `${this.name}: ${method} ${path}: ${parsed.error ?? `HTTP ${r.status}`}`, from);
    }
    if (parsed.type === "async" && parsed.operation) {
      return (await this.wait(parsed.operation, o.waitSeconds ?? 300, `${method} ${path}`)) as T;
    }
    return parsed.metadata;
  }

  /** GET that answers undefined when LXD says the object does not exist; anything else is an error. */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>("GET", path);
    } catch (e) {
      if (e instanceof LxdError && e.notFound) return undefined;
      throw e;
    }
  }

  /** DELETE that is content when the object is already gone. */
  async remove(path: string, waitSeconds = 120): Promise<void> {
    try {
      await this.request("DELETE", path, undefined, { waitSeconds });
    } catch (e) {
      if (!(e instanceof LxdError && e.notFound)) throw e;
    }
  }

  /** Waits on /1.0/operations/<id>/wait; a failed operation throws with LXD's error. */
  async wait(operation: string, seconds: number, what: string): Promise<Operation["metadata"]> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const op = await this.request<Operation>("GET", `${operation}/wait?timeout=${Math.min(left, 30)}`);
      if (op.status_code >= 400 || op.status === "Failure" || op.status === "Cancelled") {
        throw new LxdError(op.status_code, `${this.name}: ${what} failed: ${op.err || op.status}`);
      }
      if (op.status === "Success") return op.metadata;
      if (Date.now() >= deadline) throw new LxdError(504, `${this.name}: ${what} still ${op.status} after ${seconds} s`);
    }
  }

  /** A file inside an instance, or undefined when it does not exist. */
  async instanceFile(instance: string, path: string): Promise<Buffer | undefined> {
    const r = await this.http("GET", `/1.0/instances/${encodeURIComponent(instance)}/files?path=${encodeURIComponent(path)}`);
    if (r.status === 404) return undefined;
    if (r.status >= 400) throw new LxdError(r.status, `${this.name}: reading ${path} in ${instance}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
    return r.body;
  }

  /** Makes a directory inside an instance; an existing one is left as it is. */
  async mkdir(instance: string, path: string, mode: string): Promise<void> {
    const r = await this.http("POST", `/1.0/instances/${encodeURIComponent(instance)}/files?path=${encodeURIComponent(path)}`, undefined, {
      raw: Buffer.alloc(0), headers: { "x-lxd-type": "directory", "x-lxd-mode": mode, "x-lxd-uid": "0", "x-lxd-gid": "0" },
    });
    if (r.status >= 400 && !/exists/i.test(r.body.toString())) {
      throw new LxdError(r.status, `${this.name}: mkdir ${path} in ${instance}: ${r.body.toString().slice(0, 200)}`);
    }
  }

  /** Writes a file inside an instance (works before first start). */
  async pushFile(instance: string, path: string, content: Buffer, mode: string, uid = 0, gid = 0): Promise<void> {
    await this.request("POST", `/1.0/instances/${encodeURIComponent(instance)}/files?path=${encodeURIComponent(path)}`, undefined, {
      raw: content,
      headers: { "content-type": "application/octet-stream", "x-lxd-type": "file", "x-lxd-mode": mode, "x-lxd-uid": String(uid), "x-lxd-gid": String(gid), "x-lxd-write": "overwrite" },
    });
  }
}
