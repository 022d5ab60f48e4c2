/** lxd.Profile: config and devices, updated in place. */
import { claim } from "./claims.js";
import { checkWith, clientFor, lxd, propertyEquals, serverOf, type LxdConnector, type ResourceProvider } from "./deps.js";
import { claimCheck, movedServer } from "./check.js";

type Inputs = lxd.ProfileInputs;
type Outputs = Inputs;

interface Prof { name: string; config: Record<string, string>; devices: Record<string, Record<string, string>>; description?: string }

export function profileProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  const path = (n: string): string => `/1.0/profiles/${encodeURIComponent(n)}`;
  return {
    async check(_olds, news, ctx) {
      return claimCheck(checkWith(lxd.ProfileArgsSchema, news), "profile", ctx, claim);
    },
    idFor: (i) => `${serverOf(i.remote)}/profiles/${i.name}`,
    idIsIdentity: true,
    async diff(_id, _olds, news, olds) {
      const replaces = news.name !== olds.name ? ["name"] : [];
      if (movedServer(news.remote, olds.remote)) replaces.push("remote");
      const changes = replaces.length > 0 || !propertyEquals(news.config, olds.config) || !propertyEquals(news.devices, olds.devices) || !propertyEquals(news.remote, olds.remote);
      return { changes, replaces, deleteBeforeReplace: true };
    },
    async create(i, ctx) {
      await clientFor(connect, i.remote, (m) => ctx.log(m)).request("POST", "/1.0/profiles", { name: i.name, config: i.config, devices: i.devices });
      return { id: `${serverOf(i.remote)}/profiles/${i.name}`, outs: i };
    },
    async read(id, _props, i) {
      const p = await clientFor(connect, i.remote).find<Prof>(path(i.name));
      if (!p) return undefined;
      const now: Inputs = { ...i, config: p.config, devices: p.devices };
      return { id, props: now, inputs: now };
    },
    async update(_id, _olds, news) {
      await clientFor(connect, news.remote).request("PUT", path(news.name), { config: news.config, devices: news.devices });
      return { outs: news };
    },
    async delete(_id, p) {
      await clientFor(connect, p.remote).remove(path(p.name));
    },
  };
}
