/** The Kubernetes providers, by type token. */
import { kubernetes, type AnyProvider } from "../../../sdk/index.js";
import { releaseProvider } from "./release.js";

export function kubernetesProviders(): Record<string, AnyProvider> {
  return {
    [kubernetes.RELEASE_TYPE]: releaseProvider(),
  };
}
