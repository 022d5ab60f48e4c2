/** lxd.Network: a bridge with an explicit subnet; options updated in place, replaced on rename or move. */
import { claim } from "./claims.js";
import { checkWith, clientFor, lxd, propertyEquals, serverOf, type LxdConnector, type ResourceProvider } from "./deps.js";
import { claimCheck, movedServer } from "./check.js";
import { mergedConfig, networkBody, networkConfig } from "./requests.js";

type Inputs = lxd.NetworkInputs;
type Outputs = Inputs;

interface Net { name: string; type: string; managed: boolean; config: Record<string, string> }

export function networkProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  const path = (n: string): string => `/1.0/networks/${encodeURIComponent(n)}`;
  return {
    async check(_olds, news, ctx) {
      return claimCheck(checkWith(lxd.NetworkArgsSchema, news), "network", ctx, claim);
    },
    idFor: (i) => `${serverOf(i.remote)}/networks/${i.name}`,
    idIsIdentity: true,
    async diff(_id, _olds, news, olds) {
      const replaces = news.name !== olds.name ? ["name"] : [];
      if (movedServer(news.remote, olds.remote)) replaces.push("remote");
      const changes = replaces.length > 0 || !propertyEquals(networkConfig(news), networkConfig(olds)) || !propertyEquals(news.remote, olds.remote);
      return { changes, replaces, deleteBeforeReplace: true };
    },
    async create(i, ctx) {
      ctx.log(`creating bridge ${i.name} (${i.ipv4})`);
      await clientFor(connect, i.remote, (m) => ctx.log(m)).request("POST", "/1.0/networks", networkBody(i));
      return { id: `${serverOf(i.remote)}/networks/${i.name}`, outs: i };
    },
    async read(id, _props, i) {
      const n = await clientFor(connect, i.remote).find<Net>(path(i.name));
      if (!n) return undefined;
      const config = Object.fromEntries(Object.entries(n.config).filter(([k]) => k in i.config));
      const now: Inputs = {
        ...i, config,
        ipv4: n.config["ipv4.address"] ?? "",
        nat: n.config["ipv4.nat"] === "true",
        dhcp: n.config["ipv4.dhcp"] !== "false",
      };
      return { id, props: now, inputs: now };
    },
    async update(_id, olds, news) {
      const c = clientFor(connect, news.remote);
      const cur = await c.request<Net>("GET", path(news.name));
      await c.request("PUT", path(news.name), { config: mergedConfig(cur.config, networkConfig(olds), networkConfig(news)) });
      return { outs: news };
    },
    async delete(_id, n) {
      await clientFor(connect, n.remote).remove(path(n.name));
    },
  };
}
