/**
 * A small Kubernetes API client: HTTPS with the kubeconfig's CA verified (the server's name or
 * address checked against its certificate), client-certificate or token authentication, one
 * keep-alive agent per API server, and optionally every connection made through an SSH host
 * (a TCP forward on drydock's SSH path) for an endpoint not routable from here.
 */
import https from "node:https";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { ApiError } from "./errors.js";
import type { ApiEndpoint } from "./kubeconfig.js";

/** Opens a TCP stream to host:port (through SSH). */
export type Dialer = (host: string, port: number) => Promise<Duplex>;

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly signal?: AbortSignal;
  /** Return the body as text (pod logs). */
  readonly text?: boolean;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

class DialingAgent extends https.Agent {
  constructor(private readonly dial: Dialer, opts: https.AgentOptions) {
    super(opts);
  }

  override createConnection(options: tls.ConnectionOptions & { host?: string; port?: number }, cb: (err: Error | null, s?: Duplex) => void): Duplex | undefined {
    this.dial(options.host!, Number(options.port)).then(
      (stream) => cb(null, tls.connect({ ...options, socket: stream })),
      (e: Error) => cb(e),
    );
    return undefined;
  }
}

/** An error answer as an ApiError, from its Status when the body is one. */
function failure(status: number, text: string, what: string): ApiError {
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON: kept as text */ }
  return ApiError.from(status, parsed, what);
}

export class KubeClient {
  private readonly agent: https.Agent;
  /** Long-lived requests (watches) have their own connections, apart from the request pool. */
  private readonly streamAgent: https.Agent;
  readonly server: string;

  constructor(readonly endpoint: ApiEndpoint, dial?: Dialer) {
    const tlsOpts: https.AgentOptions = {
      keepAlive: true,
      maxSockets: 32,
      ca: endpoint.caPem,
      ...(endpoint.certPem ? { cert: endpoint.certPem, key: endpoint.keyPem } : {}),
      rejectUnauthorized: true,
    };
    this.agent = dial ? new DialingAgent(dial, tlsOpts) : new https.Agent(tlsOpts);
    const streamOpts = { ...tlsOpts, keepAlive: false, maxSockets: Infinity };
    this.streamAgent = dial ? new DialingAgent(dial, streamOpts) : new https.Agent(streamOpts);
    this.server = endpoint.server.origin;
  }

  private url(path: string, query: RequestOptions["query"]): URL {
    const url = new URL(path, this.endpoint.server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private headers(accept: string): Record<string, string> {
    return { accept, ...(this.endpoint.token ? { authorization: `Bearer ${this.endpoint.token}` } : {}) };
  }

  /**
   * A GET whose answer is a stream of JSON lines (a watch): each line parsed and given to `onLine`.
   * Resolves when the server ends the stream or `signal` aborts it; rejects on an error status.
   */
  stream(path: string, query: RequestOptions["query"], onLine: (v: unknown) => void, signal: AbortSignal): Promise<void> {
    const url = this.url(path, query);
    const what = `GET ${url.pathname} (watch)`;
    return new Promise<void>((resolve, reject) => {
      const req = https.request(url, { method: "GET", headers: this.headers("application/json"), agent: this.streamAgent, signal, timeout: 300_000 }, (res) => {
        const status = res.statusCode ?? 0;
        let buf = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          buf += c;
          if (status < 200 || status >= 300) return;
          try {
            for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (line) onLine(JSON.parse(line));
            }
          } catch (e) {
            req.destroy(new Error(`${what}: ${(e as Error).message}`));
          }
        });
        res.on("end", () => (status >= 200 && status < 300 ? resolve() : reject(failure(status, buf, what))));
        res.on("error", (e) => (signal.aborted ? resolve() : reject(e)));
      });
      req.on("timeout", () => req.destroy(new Error("no data within 300s")));
      req.on("error", (e) => (signal.aborted ? resolve() : reject(new Error(`${what} on ${this.server}: ${e.message}`))));
      req.end();
    });
  }

  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const url = this.url(path, o.query);
    const body = o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    const headers = this.headers(o.text ? "*/*" : "application/json");
    if (body !== undefined) {
      headers["content-type"] = o.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const what = `${method} ${url.pathname}`;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent, signal: o.signal, timeout: o.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${(o.timeoutMs ?? 30_000) / 1000}s`)));
      req.on("error", (e) => reject(new Error(`${what} on ${this.server}: ${e.message}`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
    if (status >= 200 && status < 300) return (o.text ? text : text ? JSON.parse(text) : undefined) as T;
    throw failure(status, text, what);
  }

  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }
}
