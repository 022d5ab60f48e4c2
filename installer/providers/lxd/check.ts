/** Check-time rules shared by LXD resources: one name per kind per server, and references that exist. */
import type { CheckContext, CheckResult, RemoteEndpoint } from "./deps.js";
import { serverOf } from "./deps.js";
import { declared, type Kind } from "./claims.js";
import type { LxdClient } from "./client.js";
import type { ImageSource } from "./requests.js";

/** Adds a failure when another resource of this pass already claims the same name on the same server. */
export function claimCheck<I extends { remote: RemoteEndpoint; name: string }>(
  r: CheckResult<I>, kind: Kind, ctx: CheckContext | undefined,
  claim: (server: string, kind: Kind, name: string, urn: string) => string | undefined,
): CheckResult<I> {
  const i = r.inputs;
  if (!i || !ctx || typeof i.name !== "string" || !isKnownEndpoint(i.remote)) return r;
  const other = claim(serverOf(i.remote), kind, i.name, ctx.urn);
  if (!other) return r;
  return { failures: [{ property: "name", reason: `${kind} "${i.name}" is already declared by ${other} on the same LXD server` }] };
}

export function isKnownEndpoint(e: unknown): e is RemoteEndpoint {
  return !!e && typeof e === "object" && typeof (e as RemoteEndpoint).socket === "string"
    && typeof (e as RemoteEndpoint).connection?.host === "string";
}

const PATHS: Record<Exclude<Kind, "instance">, string> = {
  "storage-pool": "/1.0/storage-pools/",
  network: "/1.0/networks/",
  profile: "/1.0/profiles/",
  "image-alias": "/1.0/images/aliases/",
};

/**
 * Why a referenced pool, network, profile or image is missing: neither on the
 * server nor declared by this program. Asked only when the name is known.
 */
export async function missingReference(client: LxdClient, server: string, kind: Exclude<Kind, "instance">, name: string): Promise<string | undefined> {
  if (declared(server, kind, name)) return undefined;
  const found = kind === "image-alias" ? await imageSource(client, name) : await client.find(`${PATHS[kind]}${encodeURIComponent(name)}`);
  if (found || declared(server, kind, name)) return undefined;
  return `${kind.replace("-alias", "")} "${name}" does not exist on the LXD server (${server}) and no resource of this program declares it`;
}

/**
 * How the server knows `image`: an alias that exists wins, even one that
 * looks like hex; otherwise a hex name is a fingerprint (or its prefix) when
 * such an image exists. Undefined when it is neither.
 */
export async function imageSource(client: Pick<LxdClient, "find">, image: string): Promise<ImageSource | undefined> {
  if (await client.find(`/1.0/images/aliases/${encodeURIComponent(image)}`)) return { alias: image };
  if (/^[0-9a-f]{12,64}$/.test(image) && await client.find(`/1.0/images/${image}`)) return { fingerprint: image };
  return undefined;
}

/** The resource moves to another server; false while the new endpoint is unknown in a plan (decided at apply time). */
export function movedServer(news: unknown, olds: RemoteEndpoint): boolean {
  return isKnownEndpoint(news) && serverOf(news) !== serverOf(olds);
}
