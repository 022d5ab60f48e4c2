/**
 * Module hooks for running a program: `drydock` resolves to this drydock's
 * SDK (so a program in any folder finds it), and the project's own .ts/.js
 * files load as ES modules even without a package.json saying so.
 */
interface HookData {
  readonly sdkUrl: string;
  readonly projectUrl: string;
}

let data: HookData;

export function initialize(d: HookData): void {
  data = d;
}

interface Resolved {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}

type Next<C, R> = (specifier: string, context: C) => Promise<R>;

const SOURCE = /\.(?:m?[tj]s|tsx)$/;

/** A project source file, without the queries tsx adds when it takes a file for CommonJS. */
function projectSource(url: string): string | undefined {
  const clean = url.replace(/(%3F|\?).*$/, "");
  if (!clean.startsWith(data.projectUrl) || clean.includes("/node_modules/") || !SOURCE.test(clean)) return undefined;
  return clean;
}

export async function resolve(specifier: string, context: unknown, next: Next<unknown, Resolved>): Promise<Resolved> {
  if (specifier === "drydock") return { url: data.sdkUrl, shortCircuit: true };
  const r = await next(specifier, context);
  const source = projectSource(r.url);
  return source ? { url: source, format: "module", shortCircuit: true } : r;
}

export async function load(url: string, context: Record<string, unknown>, next: Next<Record<string, unknown>, unknown>): Promise<unknown> {
  if (projectSource(url) === url) return next(url, { ...context, format: "module" });
  return next(url, context);
}
