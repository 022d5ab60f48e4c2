/** ssh.File: a verified upload; drift is a different sha256, mode or owner on the host. */
import { sha256Hex as sha256 } from "../../util/hash.js";
import { checkWith, isUnknown, machineOf, propertyEquals, sameMachine, ssh, withFileMode, type Connector, type ResourceProvider } from "./deps.js";
import { run, shellQuote } from "../../transport/types.js";
import { statScript } from "../../transport/ssh/install.js";

type Inputs = ssh.FileInputs;
interface Outputs extends Inputs {
  readonly sha256: string;
}


export function fileProvider(connect: Connector): ResourceProvider<Inputs, Outputs> {
  async function write(i: Inputs, log: (m: string) => void, signal: AbortSignal): Promise<Outputs> {
    const t = connect(i.connection, log);
    const r = await t.upload(i.content, i.path, { mode: i.mode, owner: i.owner, sudo: i.sudo, signal });
    return { ...i, sha256: r.sha256 };
  }

  return {
    // The checksum follows the content's secrecy, not the connection's credentials.
    secretOutputs: (secretInputs) => (secretInputs.includes("content") ? ["sha256"] : []),

    async check(_olds, news, ctx) {
      return withFileMode(checkWith(ssh.FileArgsSchema, news), news, ctx);
    },

    idFor: (i) => `${machineOf(i.connection)}${i.path}`,
    idIsIdentity: true,

    async diff(_id, olds, news, oldInputs) {
      const moved = (!isUnknown(news.connection) && !sameMachine(news.connection, oldInputs.connection)) || news.path !== oldInputs.path;
      const changes = moved || olds.sha256 !== sha256(news.content)
        || !propertyEquals({ ...news, content: "" }, { ...oldInputs, content: "" })
        || (olds.mode !== undefined && olds.mode !== news.mode);
      return { changes, replaces: moved ? ["path"] : [] };
    },

    async create(inputs, ctx) {
      const outs = await write(inputs, (m) => ctx.log(m), ctx.signal);
      return { id: `${machineOf(inputs.connection)}${inputs.path}`, outs };
    },

    async read(id, props, inputs) {
      const t = connect(inputs.connection);
      const r = await t.exec(statScript(inputs.path), { sudo: inputs.sudo, timeoutMs: 60_000 });
      if (r.code === 44) return undefined;
      if (r.code !== 0) throw new Error(`${t.name}: cannot read ${inputs.path} (exit ${r.code}): ${r.stderr.trim()}`);
      const [sum = "", st = ""] = r.stdout.trim().split("\n");
      const [m = "", owner = ""] = st.split(" ");
      const mode = m.padStart(4, "0");
      const ownerDrift = inputs.owner !== undefined && owner !== inputs.owner && !owner.startsWith(`${inputs.owner}:`);
      return {
        id,
        props: { ...props, sha256: sum, mode },
        inputs: { ...inputs, mode, ...(ownerDrift ? { owner } : {}) },
      };
    },

    async update(_id, _olds, news, ctx) {
      return { outs: await write(news, (m) => ctx.log(m), ctx.signal) };
    },

    async delete(_id, props) {
      const t = connect(props.connection);
      await run(t, `rm -f -- ${shellQuote(props.path)}`, { sudo: props.sudo, what: `removing ${props.path}`, timeoutMs: 60_000 });
    },
  };
}
