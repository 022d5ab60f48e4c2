// The stack config `node examples/run.mjs cluster` sets on first use: the host lab's SSH
// endpoint and fast pool, and the lab's release mirror (URL, CA, Kubernetes version).
export function stackConfig({ labConfig, kubeConfig }) {
  const { lab, entries } = labConfig();
  // The lab's kernel has every module a node needs built in, and no modprobe (docs/steps/06-node.md).
  return [...entries, { key: "pool", value: lab.LAB_POOL }, { key: "kernelModules", value: "" }, ...kubeConfig().entries];
}
