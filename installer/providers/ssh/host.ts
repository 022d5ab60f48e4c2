/**
 * ssh.Host: connect with the pinned key (or pin it on first use), gather
 * facts. Refresh re-checks both; the machine itself is never created or deleted.
 */
import { checkWith, CREDENTIALS, propertyEquals, ssh, type Connection, type Connector, type ResourceProvider } from "./deps.js";
import { run } from "../../transport/types.js";

type Inputs = ssh.HostInputs;
interface Outputs extends Inputs {
  readonly connection: Connection;
  readonly hostKey: string;
  readonly facts: ssh.HostFacts;
}

const FACTS = [
  "hostname",
  "uname -m",
  "uname -r",
  `( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" ) || uname -s`,
].join("; ");

export function toHostConnection(i: Inputs, pinned?: string): Connection {
  const keys = i.hostKey === undefined ? [] : Array.isArray(i.hostKey) ? i.hostKey : [i.hostKey as string];
  return {
    host: i.address, port: i.port, user: i.user,
    ...(i.privateKey ? { privateKey: i.privateKey } : {}),
    ...(i.privateKeyPath ? { privateKeyPath: i.privateKeyPath } : {}),
    ...(i.passphrase !== undefined ? { passphrase: i.passphrase } : {}),
    ...(i.password !== undefined ? { password: i.password } : {}),
    ...(i.agent ? { agent: i.agent } : {}),
    hostKeys: keys.length ? keys : pinned ? [pinned] : [],
    // Once a key is pinned, a different one is refused like any other change.
    trustOnFirstUse: keys.length === 0 && !pinned && i.trustOnFirstUse,
    ...(i.jump ? { jump: i.jump } : {}),
    ...(i.sudo !== undefined ? { sudo: i.sudo } : {}),
    ...(i.connectTimeout ? { connectTimeout: i.connectTimeout } : {}),
  };
}

async function probe(connect: Connector, i: Inputs, pinned: string | undefined, log?: (m: string) => void): Promise<Outputs> {
  const hostKey = await connect(toHostConnection(i, pinned), log).hostKey();
  // Facts come over a connection pinned to the key just seen, never another trusting one.
  const r = await run(connect(toHostConnection(i, hostKey), log), FACTS, { what: "gathering facts", timeoutMs: 30_000 });
  const [hostname = "", arch = "", kernel = "", os = ""] = r.stdout.split("\n").map((s) => s.trim());
  const connection = toHostConnection(i, hostKey);
  return { ...i, connection, hostKey, facts: { hostname, arch, kernel, os } };
}

export function hostProvider(connect: Connector): ResourceProvider<Inputs, Outputs> {
  return {
    secretOutputs: ["connection"],
    secretLeaves: CREDENTIALS,
    // With a pinned key the connection is known before the host is ever reached (trust-on-first-use waits for it).
    plannedOutputs: (i) => (i.hostKey ? { connection: toHostConnection(i) } : {}),

    async check(_olds, news) {
      return checkWith(ssh.HostArgsSchema, news);
    },

    async diff(_id, olds, news, oldInputs) {
      const changes = !propertyEquals(news, oldInputs);
      return { changes, stables: olds.hostKey && !news.hostKey ? ["hostKey"] : [] };
    },

    async create(inputs, ctx) {
      const outs = await probe(connect, inputs, undefined, (m) => ctx.log(m));
      return { id: `${inputs.user}@${inputs.address}:${inputs.port}`, outs };
    },

    async read(id, props, inputs, ctx) {
      const pinned = props.hostKey;
      const outs = await probe(connect, inputs, pinned, (m) => ctx.log(m));
      return { id, props: outs, inputs };
    },

    async update(_id, olds, news, ctx) {
      // A TOFU pin survives edits that do not move the host.
      const same = olds.address === news.address && olds.port === news.port;
      return { outs: await probe(connect, news, same ? olds.hostKey : undefined, (m) => ctx.log(m)) };
    },

    async delete() {
      // Not ours to delete: forgetting it is enough.
    },
  };
}
