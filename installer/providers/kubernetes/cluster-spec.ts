/**
 * kubernetes.ClusterSpec: checks a cluster's declaration as a whole (kubernetes/cluster-check in
 * the SDK) and keeps each node's pod subnet, assigned in `check` from the previous assignment so
 * that the plan shows it known and a node keeps its subnet while it is declared. Nothing on hosts.
 */
import { checkWith, isUnknown, kubernetes, containsUnknown, unknown, type ResourceProvider } from "./deps.js";

type Inputs = kubernetes.ClusterSpecInputs & { readonly podCidrs: Record<string, string> };
export interface ClusterSpecOutputs extends Inputs {}

export function clusterSpecProvider(): ResourceProvider<Inputs, ClusterSpecOutputs> {
  return {
    secretOutputs: [],

    async check(olds, news) {
      const r = checkWith(kubernetes.ClusterSpecArgsSchema, news);
      if (!r.inputs) return r as { failures: { property: string; reason: string }[] };
      const s = r.inputs;
      const known = (v: unknown): boolean => !isUnknown(v) && !containsUnknown(v);
      const problems = kubernetes.clusterProblems(s, known);
      const previous = (olds as Partial<Inputs> | undefined)?.podCidrs;
      // Pod subnets follow from the workers' names (and pins), not their addresses, so they are known in a first plan too.
      const named = !isUnknown(s.workers) && s.workers.every((w) => !isUnknown(w) && known(w.name) && known(w.podCidr));
      const podCidrs = named && known(s.podSubnet) && known(s.nodeMaskSize) ? kubernetes.assignPodCidrs(s, previous, problems) : undefined;
      if (problems.length) return { failures: problems.map((p) => ({ property: p.path, reason: p.message })) };
      return { inputs: { ...s, podCidrs: podCidrs ?? (unknown as unknown as Record<string, string>) } };
    },

    plannedOutputs: (i) => (isUnknown(i.podCidrs) ? {} : { podCidrs: i.podCidrs }),

    async create(i) {
      return { id: i.clusterName, outs: { ...i } };
    },

    async update(_id, _olds, news) {
      return { outs: { ...news } };
    },
  };
}
