/**
 * kubernetes.ControlPlaneState: a control-plane host's preflight (no kubeadm static pods, no
 * kube-apiserver of another's on 6443) and the state its components write; delete removes it and
 * the configuration folders drydock's files left empty.
 */
import { run, type Transport } from "../../transport/types.js";
import { checkWith, kubernetes, type Connector, type ResourceProvider } from "./deps.js";
import { markedBy, readMark, writeMark } from "./state-mark.js";

type Inputs = kubernetes.ControlPlaneStateInputs;
export interface ControlPlaneStateOutputs extends Inputs {
  readonly madeAt: string;
}

const MARK = "/var/lib/drydock/control-plane";
const sudo = { sudo: true, timeoutMs: 120_000 } as const;
const DIRS = kubernetes.CONTROL_PLANE_STATE_DIRS.join(" ");

// Exit 21: a control plane drydock did not make is there (listed on stdout).
function preflightScript(host: string): string {
  return [
    markedBy(MARK, host),
    "foreign=''",
    "for f in /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/etcd.yaml; do [ -e \"$f\" ] && foreign=\"$foreign $f (kubeadm's)\"; done",
    // Something already listens on the API port.
    "if command -v ss >/dev/null 2>&1 && ss -Hltn 'sport = :6443' | grep -q .; then foreign=\"$foreign port-6443\"; fi",
    '[ -z "$foreign" ] || { echo "$foreign"; exit 21; }',
    `mkdir -p ${DIRS} && chmod 0700 ${DIRS} && ${writeMark(MARK, host)}`,
  ].join("\n");
}

const TEARDOWN = [
  `rm -rf ${DIRS} ${MARK}`,
  // Folders drydock's files were in, when nothing else is left in them.
  "rmdir /etc/kubernetes/pki/etcd /etc/kubernetes/pki /etc/kubernetes /var/lib/drydock 2>/dev/null || true",
].join("\n");

async function preflight(t: Transport, i: Inputs): Promise<void> {
  const r = await t.exec(preflightScript(i.host), sudo);
  if (r.code === 21) {
    throw new Error(`control-plane host ${i.host} (${t.name}): a control plane drydock did not make is already there: ${r.stdout.trim().replace("port-6443", "something listening on port 6443")}; drydock will not take it over (remove it, or use a fresh host)`);
  }
  if (r.code !== 0) throw new Error(`control-plane host ${i.host} (${t.name}): preflight failed (exit ${r.code}): ${r.stderr.trim()}`);
}

export function controlPlaneStateProvider(connect: Connector): ResourceProvider<Inputs, ControlPlaneStateOutputs> {
  return {
    secretOutputs: [],
    async check(_olds, news) {
      return checkWith(kubernetes.ControlPlaneStateArgsSchema, news);
    },
    async diff(_id, _olds, news, old) {
      const replace = news.host !== old.host;
      return { changes: JSON.stringify(news) !== JSON.stringify(old), ...(replace ? { replaces: ["host"], deleteBeforeReplace: true } : {}) };
    },
    async create(i, ctx) {
      await preflight(connect(i.connection, (m) => ctx.log(m)), i);
      return { id: i.host, outs: { ...i, madeAt: new Date().toISOString() } };
    },
    async update(_id, olds, news) {
      return { outs: { ...olds, ...news } };
    },
    async read(id, props, _inputs, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      // Gone only on positive evidence: the host answered, and its mark is not there.
      return (await readMark(t, MARK, "reading the control plane's state mark")) === props.host ? { id, props } : undefined;
    },
    async delete(_id, props, ctx) {
      const t = connect(props.connection, (m) => ctx.log(m));
      await run(t, TEARDOWN, { ...sudo, what: `removing control-plane host ${props.host}'s state` });
    },
  };
}
