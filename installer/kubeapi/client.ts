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

export class KubeClient {
  private readonly agent: https.Agent;
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
    this.server = endpoint.server.origin;
  }

  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.endpoint.server);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
    const headers: Record<string, string> = { accept: o.text ? "*/*" : "application/json" };
    if (body !== undefined) {
      headers["content-type"] = o.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    if (this.endpoint.token) headers.authorization = `Bearer ${this.endpoint.token}`;
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
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* not JSON: kept as text */ }
    throw ApiError.from(status, parsed, what);
  }

  close(): void {
    this.agent.destroy();
  }
}
