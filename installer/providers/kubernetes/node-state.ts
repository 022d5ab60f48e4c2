/**
 * kubernetes.NodeState: before anything runs on a node, checks that the host has what kubelet
 * and the pod network call (iptables, mount, …) and that no runtime state drydock did not make is
 * there; then owns that state. Its delete tears it all down, even with containerd already
 * stopped: containers killed through runc, their shims ended, every mount under the state dirs
 * unmounted, the state removed, the pod bridge and the CNI plugins' iptables chains deleted.
 */
import { run, shellQuote, type Transport } from "../../transport/types.js";
import { checkWith, kubernetes, type Connector, type ResourceProvider } from "./deps.js";
import { markedBy, readMark, writeMark } from "./state-mark.js";

type Inputs = kubernetes.NodeStateInputs;
export interface NodeStateOutputs extends Inputs {
  readonly madeAt: string;
}

const MARK = "/var/lib/drydock/node-state";
/** What kubelet, containerd and the CNI plugins run on the host, and Debian's package for each. */
const TOOLS: Readonly<Record<string, string>> = { iptables: "iptables", ip: "iproute2", mount: "mount", modprobe: "kmod", sysctl: "procps", bash: "bash" };
const sudo = { sudo: true, timeoutMs: 180_000 } as const;
const DIRS = kubernetes.NODE_STATE_DIRS.join(" ");

// Exit 20: a tool is missing (listed on stdout); 21: state drydock did not make is there (listed).
function preflightScript(node: string): string {
  return [
    "missing=''",
    ...Object.keys(TOOLS).map((t) => `command -v ${t} >/dev/null 2>&1 || missing="$missing ${t}"`),
    '[ -z "$missing" ] || { echo "$missing"; exit 20; }',
    // cgroup v1: kubelet needs each of these controllers mounted.
    'if [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ]; then',
    '  for c in cpu cpuacct cpuset memory pids; do mountpoint -q "/sys/fs/cgroup/$c" || missing="$missing $c"; done',
    '  [ -z "$missing" ] || { echo "$missing"; exit 22; }',
    "fi",
    markedBy(MARK, node),
    "foreign=''",
    `for d in /var/lib/containerd /var/lib/kubelet/pods /var/lib/cni; do [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ] && foreign="$foreign $d"; done`,
    '[ -S /run/containerd/containerd.sock ] && foreign="$foreign /run/containerd/containerd.sock"',
    '[ -z "$foreign" ] || { echo "$foreign"; exit 21; }',
    writeMark(MARK, node),
  ].join("\n");
}

/** The teardown, as one script: each step tolerates what an earlier failure or run left. */
function teardownScript(bridge: string): string {
  return [
    "set -u",
    "systemctl stop kubelet 2>/dev/null || true",
    // Pods removed through the CRI while containerd still answers: the CNI plugins release their addresses and rules.
    "if [ -S /run/containerd/containerd.sock ] && command -v crictl >/dev/null 2>&1; then",
    "  for p in $(crictl --timeout 20s pods -q 2>/dev/null); do crictl --timeout 30s stopp \"$p\" >/dev/null 2>&1; crictl --timeout 30s rmp -f \"$p\" >/dev/null 2>&1; done",
    "fi",
    "systemctl stop containerd 2>/dev/null || true",
    // The pods' cgroups (kubelet's systemd driver makes them transient slices).
    "systemctl stop kubepods.slice 2>/dev/null || true",
    // Containers a stopped containerd left running (its unit keeps them across restarts), then their shims.
    "R=/run/containerd/runc/k8s.io",
    "if [ -x /usr/local/sbin/runc ] && [ -d $R ]; then",
    "  for c in $(/usr/local/sbin/runc --root $R list -q 2>/dev/null); do /usr/local/sbin/runc --root $R kill -a \"$c\" KILL 2>/dev/null; /usr/local/sbin/runc --root $R delete -f \"$c\" 2>/dev/null; done",
    "fi",
    "for p in /proc/[0-9]*; do [ \"$(readlink \"$p/exe\" 2>/dev/null)\" = /usr/local/bin/containerd-shim-runc-v2 ] && kill -KILL \"${p#/proc/}\" 2>/dev/null; done",
    // Mounts under the state dirs and the pods' network namespaces, deepest first.
    "for i in 1 2 3; do",
    "  m=$(awk '{print $5}' /proc/self/mountinfo | grep -E '^(/run/containerd|/var/lib/containerd|/var/lib/kubelet|/run/netns/cni-)' | sort -r)",
    "  [ -z \"$m\" ] && break",
    "  for x in $m; do umount \"$x\" 2>/dev/null || umount -l \"$x\" 2>/dev/null; done",
    "done",
    `rm -rf ${DIRS} /run/netns/cni-* /run/nri/nri.sock ${MARK}`,
    // Empty folders only: kubelet's unit makes the static pod folder, which may hold no drydock file.
    "rmdir /run/netns /run/nri /var/lib/drydock/images /etc/kubernetes/manifests 2>/dev/null || true",
    `ip link delete ${shellQuote(bridge)} 2>/dev/null || true`,
    // The chains of the CNI plugins (bridge's ipMasq, portmap) and of kubelet (KUBE-FIREWALL, its canaries):
    // the rules that jump to them, then the chains.
    "for ipt in iptables ip6tables; do command -v $ipt >/dev/null 2>&1 || continue; for t in nat filter mangle; do",
    "  $ipt -t $t -S 2>/dev/null | grep -E '^-A .* -j (CNI|KUBE)-' | sed 's/^-A/-D/' | while read -r r; do eval $ipt -t $t $r 2>/dev/null; done",
    "  for c in $($ipt -t $t -S 2>/dev/null | awk '$1 == \"-N\" && $2 ~ /^(CNI|KUBE)-/ {print $2}'); do $ipt -t $t -F \"$c\" 2>/dev/null; done",
    "  for c in $($ipt -t $t -S 2>/dev/null | awk '$1 == \"-N\" && $2 ~ /^(CNI|KUBE)-/ {print $2}'); do $ipt -t $t -X \"$c\" 2>/dev/null; done",
    "done; done",
    // What is left says the teardown failed.
    "left=''",
    `for d in ${DIRS}; do [ -e "$d" ] && left="$left $d"; done`,
    "awk '{print $5}' /proc/self/mountinfo | grep -qE '^(/run/containerd|/var/lib/containerd|/var/lib/kubelet)' && left=\"$left (mounts)\"",
    '[ -z "$left" ] || { echo "left behind:$left" >&2; exit 1; }',
  ].join("\n");
}

async function preflight(t: Transport, i: Inputs): Promise<void> {
  const r = await t.exec(preflightScript(i.node), sudo);
  const listed = r.stdout.trim().split(/\s+/).filter(Boolean);
  if (r.code === 20) throw new Error(`node ${i.node} (${t.name}): missing ${listed.map((x) => `${x} (Debian package ${TOOLS[x]})`).join(", ")}; install them first`);
  if (r.code === 22) throw new Error(`node ${i.node} (${t.name}): cgroup v1 controllers not mounted under /sys/fs/cgroup: ${listed.join(", ")}; kubelet refuses to start without them (mount them, or see docs/steps/06-node.md)`);
  if (r.code === 21) throw new Error(`node ${i.node} (${t.name}): container runtime state drydock did not make is already there: ${listed.join(", ")}; drydock will not take it over (remove it, or use a fresh host)`);
  if (r.code !== 0) throw new Error(`node ${i.node} (${t.name}): preflight failed (exit ${r.code}): ${r.stderr.trim()}`);
}

export function nodeStateProvider(connect: Connector): ResourceProvider<Inputs, NodeStateOutputs> {
  return {
    secretOutputs: [],

    async check(_olds, news) {
      return checkWith(kubernetes.NodeStateArgsSchema, news);
    },

    async diff(_id, _olds, news, old) {
      // The kubelet settings live in files; here they are only checked.
      const replace = news.node !== old.node || news.bridge !== old.bridge;
      return { changes: JSON.stringify(news) !== JSON.stringify(old), ...(replace ? { replaces: ["node"], deleteBeforeReplace: true, note: "a node's name or bridge changes only with a new node" } : {}) };
    },

    async create(i, ctx) {
      const t = connect(i.connection, (m) => ctx.log(`${i.node}: ${m}`));
      await preflight(t, i);
      return { id: i.node, outs: { ...i, madeAt: new Date().toISOString() } };
    },

    async update(_id, olds, news) {
      return { outs: { ...olds, ...news } };
    },

    async read(id, props, _inputs, ctx) {
      const t = connect(props.connection, (m) => ctx.log(`${props.node}: ${m}`));
      // Gone only on positive evidence: the host answered, and its mark is not there.
      return (await readMark(t, MARK, "reading the node's state mark")) === props.node ? { id, props } : undefined;
    },

    async delete(_id, props, ctx) {
      const t = connect(props.connection, (m) => ctx.log(`${props.node}: ${m}`));
      ctx.log(`${props.node}: stopping pods and containerd, unmounting and removing the runtime's state`);
      await run(t, teardownScript(props.bridge), { ...sudo, what: `tearing down node ${props.node}'s runtime state`, display: "node teardown script" });
    },
  };
}
