/**
 * lxd.Instance: created from an image, authorized keys pushed through the API
 * before first boot, started, then ready when it has an address, its host key
 * can be read through the API, and SSH answers with exactly that key.
 */
import { claim } from "./claims.js";
import { claimCheck, imageSource, isKnownEndpoint, missingReference, movedServer } from "./check.js";
import { checkWith, clientFor, CREDENTIALS, lxd, propertyEquals, serverOf, type Connection, type LxdConnector, type ProviderContext, type ResourceProvider } from "./deps.js";
import type { LxdClient } from "./client.js";
import { instanceConfig, instanceCreateBody, instanceDevices, firstIpv4, mergedConfig } from "./requests.js";
import { parsePin } from "../../transport/ssh/fingerprint.js";

type Inputs = lxd.InstanceInputs;
interface Outputs extends Inputs {
  readonly address: string;
  readonly hostKey: string;
  readonly connection: Connection;
  readonly status: string;
}

interface LxdInstance {
  name: string; status: string; type: string; profiles: string[];
  config: Record<string, string>; devices: Record<string, Record<string, string>>;
  architecture: string; ephemeral: boolean; stateful: boolean; description: string;
}

const HOST_KEY = "/etc/ssh/ssh_host_ed25519_key.pub";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const path = (n: string): string => `/1.0/instances/${encodeURIComponent(n)}`;

/** Polls `probe` until it returns a value, saying what it waits for; gives up at the deadline. */
async function waitFor<T>(what: string, deadline: number, ctx: ProviderContext, probe: () => Promise<T | undefined>): Promise<T> {
  ctx.log(`waiting for ${what}`);
  // A short, even interval: each probe is one small API call on an open connection.
  for (const delay = 150; ;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() + delay > deadline) throw new Error(`gave up waiting for ${what}`);
    if (ctx.signal.aborted) throw new Error(`stopped waiting for ${what}: ${String(ctx.signal.reason ?? "aborted")}`);
    await sleep(delay);
  }
}

function connectionOf(i: Inputs, address: string, hostKey: string): Connection {
  const via = i.remote.connection;
  const auth = i.login.privateKey || i.login.privateKeyPath || i.login.agent
    ? i.login
    : { privateKey: via.privateKey, privateKeyPath: via.privateKeyPath, passphrase: via.passphrase, agent: via.agent };
  const c: Record<string, unknown> = {
    host: address, port: 22, user: i.login.user,
    ...Object.fromEntries(Object.entries(auth).filter(([k, v]) => v !== undefined && k !== "user")),
    hostKeys: [hostKey],
    ...(i.reach === "jump" ? { jump: via } : {}),
    ...(via.connectTimeout ? { connectTimeout: via.connectTimeout } : {}),
  };
  return c as unknown as Connection;
}

/** Whether an in-place update leaves a running instance's address and login as they were. */
function keepsAddress(news: Inputs, olds: Inputs): boolean {
  return propertyEquals(news.login, olds.login) && news.reach === olds.reach && propertyEquals(news.networks, olds.networks);
}

/** Stops (forcibly) and deletes an instance; one that is already gone is fine. */
async function removeInstance(c: LxdClient, name: string): Promise<void> {
  const inst = await c.find<LxdInstance>(path(name));
  if (!inst) return;
  if (inst.status !== "Stopped") await c.request("PUT", `${path(name)}/state`, { action: "stop", force: true, timeout: 30 }, { waitSeconds: 60 });
  await c.request("DELETE", path(name), undefined, { waitSeconds: 120 });
}

export function instanceProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  /** Address, host key and SSH, in that order, for a started instance. */
  async function ready(c: LxdClient, i: Inputs, ctx: ProviderContext): Promise<Outputs> {
    const deadline = Date.now() + i.readyTimeout * 1000;
    const address = await waitFor(`an IPv4 address on ${i.name}`, deadline, ctx, async () =>
      firstIpv4(await c.request("GET", `${path(i.name)}/state`)));
    const hostKey = await waitFor(`${i.name}'s SSH host key (read through the LXD API)`, deadline, ctx, async () => {
      const b = await c.instanceFile(i.name, HOST_KEY);
      const line = b?.toString().trim();
      return line && /^ssh-ed25519 /.test(line) ? line.split(" ").slice(0, 2).join(" ") : undefined;
    });
    const connection = connectionOf(i, address, hostKey);
    ctx.log(`waiting for ssh on ${address} with host key ${parsePin(hostKey).fingerprint}`);
    const left = Math.max(5, Math.ceil((deadline - Date.now()) / 1000));
    const t = connect({ ...connection, connectTimeout: left }, (m) => ctx.log(m));
    await t.hostKey();
    return { ...i, address, hostKey, connection, status: "Running" };
  }

  return {
    secretOutputs: ["connection"],
    secretLeaves: CREDENTIALS,

    async check(_olds, news, ctx) {
      const r = claimCheck(checkWith(lxd.InstanceArgsSchema, news), "instance", ctx, claim);
      const i = r.inputs;
      if (!i || !ctx?.dryRun || !isKnownEndpoint(i.remote)) return r;
      // In a plan: refuse references to things that neither exist nor are declared, before anything is touched.
      const client = clientFor(connect, i.remote);
      const server = serverOf(i.remote);
      const refs: Array<[string, Parameters<typeof missingReference>[2], unknown]> = [
        ["rootDisk.pool", "storage-pool", i.rootDisk?.pool],
        ["image", "image-alias", i.image],
        ...i.networks.map((n, k) => [`networks[${k}]`, "network", n] as [string, "network", unknown]),
        ...i.profiles.map((p, k) => [`profiles[${k}]`, "profile", p] as [string, "profile", unknown]),
      ];
      const failures = [];
      for (const [property, kind, name] of refs) {
        if (typeof name !== "string") continue;
        const why = await missingReference(client, server, kind, name);
        if (why) failures.push({ property, reason: why });
      }
      return failures.length ? { failures } : r;
    },

    idFor: (i) => `${serverOf(i.remote)}/instances/${i.name}`,
    idIsIdentity: true,

    async diff(_id, olds, news, oldInputs) {
      const replaces = (["name", "image", "type"] as const).filter((k) => news[k] !== oldInputs[k]) as string[];
      if (movedServer(news.remote, oldInputs.remote)) replaces.push("remote");
      if (news.rootDisk?.pool !== oldInputs.rootDisk?.pool) replaces.push("rootDisk");
      const keys = ["profiles", "limits", "rootDisk", "networks", "config", "authorizedKeys", "login", "reach", "remote"] as const;
      const changes = replaces.length > 0 || keys.some((k) => !propertyEquals(news[k], oldInputs[k])) || olds.status !== "Running";
      // An in-place update of a running instance keeps its address and key, so what depends on them stays planned as it is.
      const keeps = replaces.length === 0 && olds.status === "Running" && keepsAddress(news, oldInputs) && propertyEquals(news.remote, oldInputs.remote);
      return {
        changes, replaces,
        stables: keeps ? ["address", "hostKey", "connection", "status"] : [],
        deleteBeforeReplace: news.name === oldInputs.name && !movedServer(news.remote, oldInputs.remote),
      };
    },

    async create(i, ctx) {
      const c = clientFor(connect, i.remote, (m) => ctx.log(m));
      ctx.log(`creating ${i.type} ${i.name} from ${i.image}`);
      // An image that is neither an alias nor a fingerprint is left to LXD to refuse, by name.
      const image = (await imageSource(c, i.image)) ?? { alias: i.image };
      await c.request("POST", "/1.0/instances", instanceCreateBody(i, image), { waitSeconds: Math.max(i.readyTimeout, 300) });
      try {
        if (i.authorizedKeys.length) {
          await c.mkdir(i.name, "/root/.ssh", "0700");
          await c.pushFile(i.name, "/root/.ssh/authorized_keys", Buffer.from(`${i.authorizedKeys.join("\n")}\n`), "0600");
        }
        ctx.log(`starting ${i.name}`);
        await c.request("PUT", `${path(i.name)}/state`, { action: "start", timeout: 30 }, { waitSeconds: i.readyTimeout });
        const outs = await ready(c, i, ctx);
        return { id: `${serverOf(i.remote)}/instances/${i.name}`, outs };
      } catch (e) {
        // Not in state, so nothing would ever delete it, and the next create would find the name taken.
        const undo = await removeInstance(c, i.name).then(() => "it was deleted", (x: Error) => `deleting it failed too (${x.message}); remove it with: lxc delete --force ${i.name}`);
        throw new Error(`${(e as Error).message}; the half-made instance ${i.name} is not kept: ${undo}`, { cause: e });
      }
    },

    async read(id, props, i) {
      const c = clientFor(connect, i.remote);
      const inst = await c.find<LxdInstance>(path(i.name));
      if (!inst) return undefined;
      const state = await c.request<Parameters<typeof firstIpv4>[0]>("GET", `${path(i.name)}/state`);
      const cpu = inst.config["limits.cpu"];
      const limits = {
        // Read back in the type the program used, so "2" and 2 are not drift.
        ...(cpu ? { cpu: /^\d+$/.test(cpu) && typeof i.limits.cpu !== "string" ? Number(cpu) : cpu } : {}),
        ...(inst.config["limits.memory"] ? { memory: inst.config["limits.memory"] } : {}),
      };
      // Keys the program sets (limits as limits, config as config) are compared; LXD's own are not.
      const config = Object.fromEntries(Object.entries(inst.config).filter(([k]) => k in i.config && !(k in instanceConfig({ ...i, config: {} }))));
      const now: Inputs = { ...i, limits, config, profiles: inst.profiles, type: inst.type as Inputs["type"] };
      return {
        id,
        props: (() => {
          const address = firstIpv4(state) ?? props.address;
          return { ...props, ...now, status: inst.status, address, connection: connectionOf(i, address, props.hostKey) };
        })(),
        inputs: now,
      };
    },

    async update(_id, olds, news, ctx, oldInputs) {
      const c = clientFor(connect, news.remote, (m) => ctx.log(m));
      const cur = await c.request<LxdInstance>("GET", path(news.name));
      const devices = { ...cur.devices };
      for (const k of Object.keys(instanceDevices(oldInputs))) delete devices[k];
      ctx.log(`updating ${news.name} in place`);
      await c.request("PUT", path(news.name), {
        architecture: cur.architecture, ephemeral: cur.ephemeral, stateful: cur.stateful, description: cur.description,
        profiles: news.profiles,
        config: mergedConfig(cur.config, instanceConfig(oldInputs), instanceConfig(news)),
        devices: { ...devices, ...instanceDevices(news) },
      });
      if (!propertyEquals(news.authorizedKeys, oldInputs.authorizedKeys)) {
        await c.pushFile(news.name, "/root/.ssh/authorized_keys", Buffer.from(`${news.authorizedKeys.join("\n")}${news.authorizedKeys.length ? "\n" : ""}`), "0600");
      }
      if (cur.status !== "Running") {
        ctx.log(`starting ${news.name} (it was ${cur.status})`);
        await c.request("PUT", `${path(news.name)}/state`, { action: "start", timeout: 30 }, { waitSeconds: news.readyTimeout });
      }
      return { outs: cur.status === "Running" && keepsAddress(news, oldInputs)
        ? { ...news, address: olds.address, hostKey: olds.hostKey, connection: connectionOf(news, olds.address, olds.hostKey), status: "Running" }
        : await ready(c, news, ctx) };
    },

    async delete(_id, p, ctx) {
      ctx.log(`deleting ${p.name}`);
      await removeInstance(clientFor(connect, p.remote, (m) => ctx.log(m)), p.name);
    },
  };
}
