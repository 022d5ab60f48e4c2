/**
 * The lab's Kubernetes release (npm run lab:kube) as tests see it: the mirror's URL, CA and
 * directory, and the release description; a skip with the reason printed when it was not built.
 */
import { describe } from "vitest";
import { KUBE_ENV, readKubeEnv } from "../../lab/env.mjs";
import { lab, type Lab } from "./env.js";

export const kube = readKubeEnv();
export type Kube = NonNullable<typeof kube>;

/** describe() on the lab with its release built, or a skip that says why. */
export function describeKube(name: string, fn: (lab: Lab, kube: Kube) => void): void {
  if (!lab || !kube) {
    console.warn(`SKIP ${name}: ${!lab ? "no host lab (run npm run lab:up as root)" : `no lab release (${KUBE_ENV} is missing; run npm run lab:kube as root)`}`);
    describe.skip(name, () => {});
    return;
  }
  describe(name, () => fn(lab!, kube));
}
