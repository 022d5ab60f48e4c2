/** lxd.StoragePool: created, config updated in place, replaced when the driver or `source` changes. */
import { claim, type Kind } from "./claims.js";
import { checkWith, clientFor, lxd, propertyEquals, serverOf, type LxdConnector, type ResourceProvider } from "./deps.js";
import { claimCheck, movedServer } from "./check.js";
import { mergedConfig } from "./requests.js";

type Inputs = lxd.StoragePoolInputs;
type Outputs = Inputs;

interface Pool { name: string; driver: string; config: Record<string, string> }

/** Keys LXD fills in or cannot change after creation. */
const FIXED = ["source", "volatile.initial_source", "size"];
const KIND: Kind = "storage-pool";

export function storagePoolProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  const path = (n: string): string => `/1.0/storage-pools/${encodeURIComponent(n)}`;
  return {
    async check(_olds, news, ctx) {
      return claimCheck(checkWith(lxd.StoragePoolArgsSchema, news), KIND, ctx, claim);
    },
    idFor: (i) => `${serverOf(i.remote)}/storage-pools/${i.name}`,
    idIsIdentity: true,
    async diff(_id, _olds, news, olds) {
      const replaces = (["name", "driver"] as const).filter((k) => news[k] !== olds[k]) as string[];
      if (movedServer(news.remote, olds.remote)) replaces.push("remote");
      if (FIXED.some((k) => news.config[k] !== olds.config[k])) replaces.push("config");
      return { changes: replaces.length > 0 || !propertyEquals(news.config, olds.config) || !propertyEquals(news.remote, olds.remote), replaces, deleteBeforeReplace: news.name === olds.name };
    },
    async create(i, ctx) {
      ctx.log(`creating storage pool ${i.name}`);
      await clientFor(connect, i.remote, (m) => ctx.log(m)).request("POST", "/1.0/storage-pools", { name: i.name, driver: i.driver, config: i.config });
      return { id: `${serverOf(i.remote)}/storage-pools/${i.name}`, outs: i };
    },
    async read(id, _props, i) {
      const p = await clientFor(connect, i.remote).find<Pool>(path(i.name));
      if (!p) return undefined;
      const config = Object.fromEntries(Object.entries(p.config).filter(([k]) => k in i.config));
      return { id, props: { ...i, driver: p.driver as Inputs["driver"], config }, inputs: { ...i, driver: p.driver as Inputs["driver"], config } };
    },
    async update(_id, olds, news) {
      const c = clientFor(connect, news.remote);
      const cur = await c.request<Pool>("GET", path(news.name));
      await c.request("PUT", path(news.name), { config: mergedConfig(cur.config, olds.config, news.config) });
      return { outs: news };
    },
    async delete(_id, p) {
      await clientFor(connect, p.remote).remove(path(p.name));
    },
  };
}
