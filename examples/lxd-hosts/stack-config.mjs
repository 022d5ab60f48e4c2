// The stack config `node examples/run.mjs lxd-hosts` sets on first use: the host lab's
// SSH endpoint from test/lab/lab.env (written by `npm run lab:up`).
import { labStackConfig } from "../../test/lab/env.mjs";

export function stackConfig() {
  return labStackConfig().entries;
}
