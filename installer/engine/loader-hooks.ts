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

type Next = (spec: string, ctx: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  if (specifier === "drydock") return { url: data.sdkUrl, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url: string, context: Record<string, unknown>, next: Next): Promise<unknown> {
  if (url.startsWith(data.projectUrl) && !url.includes("/node_modules/") && /\.(?:m?[tj]s|tsx)$/.test(url)) {
    return next(url, { ...context, format: "module" });
  }
  return next(url, context);
}
