/**
 * A workloads project for the lab tests: a program per step (its header gives `cluster`, the
 * kubeconfig from the cluster's stack, and `agnhost`, an image the workers hold), the CLI, and the
 * release's kubectl on the same kubeconfig.
 */
import { readFileSync } from "node:fs";
import { TempProject } from "../cli.js";
import type { ClusterLab } from "./cluster-env.js";

export const HEADER = `import { Config, kubernetes } from "drydock";
const config = new Config();
const cluster = { kubeconfig: config.requireSecret("kubeconfig") };
const agnhost = config.require("agnhost");
`;

export interface WorkloadsLab {
  readonly p: TempProject;
  /** Writes the program: HEADER, then \`body\`. */
  program(body: string): void;
}

export async function workloadsProject(c: ClusterLab, agnhost: string): Promise<WorkloadsLab> {
  const p = new TempProject("apps");
  p.program(HEADER);
  await p.ok("stack", "init", "dev");
  const kubeconfig = readFileSync(c.kubeconfig, "utf8");
  await p.ok("config", "set", "--secret", "kubeconfig", kubeconfig);
  await p.ok("config", "set", "agnhost", agnhost);
  return { p, program: (body) => p.program(`${HEADER}${body}\n`) };
}
