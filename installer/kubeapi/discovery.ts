/**
 * Which resource serves a kind: apiVersion + kind → its plural, and whether it is namespaced.
 * Cached per group/version; a miss is looked up again (a CRD just established), at most once a
 * second per group/version.
 */
import { isNotFound } from "./errors.js";
import type { KubeClient } from "./client.js";

export interface KindInfo {
  readonly plural: string;
  readonly namespaced: boolean;
  /** "/api/v1" or "/apis/apps/v1". */
  readonly base: string;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class Discovery {
  private readonly cache = new Map<string, { at: number; kinds: Promise<Map<string, KindInfo> | undefined> }>();

  constructor(private readonly client: KubeClient) {}

  private load(apiVersion: string, base: string): Promise<Map<string, KindInfo> | undefined> {
    return this.client.request<{ resources: ApiResource[] }>("GET", base).then(
      (list) => new Map(list.resources.filter((r) => !r.name.includes("/")).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced, base }])),
      (e: unknown) => {
        if (isNotFound(e)) return undefined; // the group/version is not served (yet)
        throw e;
      },
    );
  }

  /** The kind's resource, or undefined when the server does not serve it (positive evidence: it answered). */
  async find(apiVersion: string, kind: string): Promise<KindInfo | undefined> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let entry = this.cache.get(apiVersion);
    if (!entry) this.cache.set(apiVersion, (entry = { at: Date.now(), kinds: this.load(apiVersion, base) }));
    let kinds = await entry.kinds.catch((e: unknown) => {
      this.cache.delete(apiVersion);
      throw e;
    });
    if (kinds?.has(kind)) return kinds.get(kind);
    if (Date.now() - entry.at >= 1000) {
      const fresh = { at: Date.now(), kinds: this.load(apiVersion, base) };
      this.cache.set(apiVersion, fresh);
      kinds = await fresh.kinds;
    }
    return kinds?.get(kind);
  }
}
