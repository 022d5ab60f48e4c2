/**
 * kubernetes.NodeRegistration: waits for a node to be Ready; on delete, cordons, drains and
 * deletes the Node object (kubectl on a control-plane host). A node the API no longer lists is
 * already gone: its delete does nothing more.
 */
import { commandCheck } from "../../host/checks.js";
import { journalTail } from "../../host/systemd.js";
import { waitFor } from "../../host/wait.js";
import { run, shellQuote } from "../../transport/types.js";
import { checkWith, containsUnknown, digestOf, isUnknown, kubernetes, unknown, type Connector, type ProviderContext, type ResourceProvider } from "./deps.js";

type Inputs = Omit<kubernetes.NodeRegistrationInputs, "triggers"> & { readonly triggers: string };
export interface NodeRegistrationOutputs extends Inputs {
  readonly readyAt: string;
}

const KUBECTL = "/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.kubeconfig";

export function nodeRegistrationProvider(connect: Connector): ResourceProvider<Inputs, NodeRegistrationOutputs> {
  async function ready(i: Inputs, ctx: ProviderContext): Promise<NodeRegistrationOutputs> {
    const t = connect(i.connection, (m) => ctx.log(m));
    const n = shellQuote(i.node);
    const command = `s=$(${KUBECTL} get node ${n} -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].message}' 2>&1) || { echo "$s" >&2; exit 1; }; case "$s" in True*) exit 0;; *) echo "not Ready: $s" >&2; exit 1;; esac`;
    await waitFor((ms) => commandCheck(t, command, true, ms, ctx.signal), {
      what: `node ${i.node} registered and Ready`, timeoutSeconds: i.timeout, intervalSeconds: 0.5, log: (m) => ctx.log(m), signal: ctx.signal,
      journal: async () => `kubelet on ${connect(i.nodeConnection).name}:\n${await journalTail(connect(i.nodeConnection), "kubelet")}`,
    });
    return { ...i, readyAt: new Date().toISOString() };
  }

  return {
    secretOutputs: [],

    async check(_olds, news) {
      const r = checkWith(kubernetes.NodeRegistrationArgsSchema, news);
      if (!r.inputs) return r as { failures: [] };
      const i = r.inputs;
      return { inputs: { ...i, timeout: i.timeout ?? 180, triggers: (containsUnknown(i.triggers) ? unknown : digestOf(i.triggers ?? [])) as string } };
    },

    async diff(_id, _olds, news, oldInputs) {
      if (isUnknown(news.triggers) || news.triggers !== oldInputs.triggers) return { changes: true, note: `waits for node ${news.node} Ready again: its kubelet restarted` };
      return { changes: JSON.stringify(news) !== JSON.stringify(oldInputs) };
    },

    async create(i, ctx) {
      return { id: i.node, outs: await ready(i, ctx) };
    },

    async update(_id, _olds, news, ctx) {
      return { outs: await ready(news, ctx) };
    },

    async delete(_id, props, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      const n = shellQuote(props.node);
      const listed = await run(t, `${KUBECTL} get node ${n} --ignore-not-found -o name`, { sudo: true, timeoutMs: 30_000, what: `looking for node ${props.node}` });
      if (!listed.stdout.trim()) return;
      ctx.log(`cordoning and draining node ${props.node}`);
      await run(t, `${KUBECTL} cordon ${n}`, { sudo: true, timeoutMs: 30_000, what: `cordoning node ${props.node}` });
      await run(t, `${KUBECTL} drain ${n} --ignore-daemonsets --delete-emptydir-data --force --timeout=${Math.round(props.timeout)}s`,
        { sudo: true, timeoutMs: (props.timeout + 30) * 1000, what: `draining node ${props.node}` });
      await run(t, `${KUBECTL} delete node ${n} --ignore-not-found`, { sudo: true, timeoutMs: 60_000, what: `deleting node ${props.node}` });
    },
  };
}
