/** pki.Kubeconfig: rendered from its inputs alone, so a plan already shows it. */
import { checkWith, pki, type ResourceProvider } from "./deps.js";
import { renderKubeconfig } from "../../pki/kubeconfig.js";

type Inputs = pki.KubeconfigInputs;
interface Outputs extends Inputs {
  readonly content: string;
}

export const kubeconfigProvider: ResourceProvider<Inputs, Outputs> = {
  secretOutputs: ["content"],
  async check(_olds, news) {
    return checkWith(pki.KubeconfigArgsSchema, news);
  },
  plannedOutputs: (i) => ({ content: renderKubeconfig(i) }),
  async create(inputs) {
    return { id: `${inputs.contextName ?? `${inputs.userName}@${inputs.clusterName}`}`, outs: { ...inputs, content: renderKubeconfig(inputs) } };
  },
  async update(_id, _olds, news) {
    return { outs: { ...news, content: renderKubeconfig(news) } };
  },
  async delete() {
    // Nothing outside state.
  },
};
