// The stack config `node examples/run.mjs host-blocks` sets on first use: the host lab's
// SSH endpoint (the runner hands over the lab's settings as `labConfig`).
export function stackConfig({ labConfig }) {
  return labConfig().entries;
}
