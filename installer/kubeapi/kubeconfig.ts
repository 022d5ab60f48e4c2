/**
 * The parts of a kubeconfig drydock uses: the chosen context's server, its CA (always verified:
 * `insecure-skip-tls-verify` is refused) and its credentials (client certificate and key, or a
 * bearer token). Only inline data is read (`*-data` fields): a kubeconfig that points at files
 * names them in the error.
 */
import { parse } from "yaml";

export interface ApiEndpoint {
  readonly server: URL;
  readonly caPem: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly token?: string;
}

type Named<T> = { name?: string } & T;
interface Kubeconfig {
  "current-context"?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

const b64 = (v: unknown): string | undefined => (typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined);

export function parseKubeconfig(text: string, contextName?: string): ApiEndpoint {
  let k: Kubeconfig;
  try {
    k = parse(text) as Kubeconfig;
  } catch (e) {
    throw new Error(`kubeconfig is not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!k || typeof k !== "object") throw new Error("kubeconfig is empty");
  const name = contextName ?? k["current-context"];
  if (!name) throw new Error("kubeconfig has no current-context (give `context`)");
  const ctx = k.contexts?.find((c) => c.name === name)?.context;
  if (!ctx) throw new Error(`kubeconfig has no context "${name}"`);
  const cluster = k.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig context "${name}" names cluster "${ctx.cluster}", which it does not define`);
  const user = k.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (cluster["insecure-skip-tls-verify"] === true) throw new Error(`kubeconfig cluster "${ctx.cluster}" sets insecure-skip-tls-verify: drydock always verifies the server's certificate`);
  for (const [what, o] of [["cluster", cluster], ["user", user]] as const) {
    for (const f of ["certificate-authority", "client-certificate", "client-key", "tokenFile", "exec", "auth-provider"]) {
      if (o[f] !== undefined) throw new Error(`kubeconfig ${what} field "${f}" is not supported: inline the data (${f}-data) or use a token`);
    }
  }
  const caPem = b64(cluster["certificate-authority-data"]);
  if (!caPem) throw new Error(`kubeconfig cluster "${ctx.cluster}" has no certificate-authority-data: drydock verifies the server against it`);
  const server = typeof cluster.server === "string" ? new URL(cluster.server) : undefined;
  if (!server || server.protocol !== "https:") throw new Error(`kubeconfig cluster "${ctx.cluster}" server must be an https:// URL (got ${String(cluster.server)})`);
  const certPem = b64(user["client-certificate-data"]);
  const keyPem = b64(user["client-key-data"]);
  const token = typeof user.token === "string" ? user.token : undefined;
  if (!token && !(certPem && keyPem)) throw new Error(`kubeconfig user "${ctx.user}" has neither a client certificate and key nor a token`);
  return { server, caPem, ...(certPem ? { certPem } : {}), ...(keyPem ? { keyPem } : {}), ...(token ? { token } : {}) };
}
