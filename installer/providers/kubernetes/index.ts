/** The Kubernetes providers, by type token. */
import { kubernetes, type AnyProvider } from "../../../sdk/index.js";
import type { Connector } from "../../transport/types.js";
import { imagesProvider } from "./images.js";
import { nodeStateProvider } from "./node-state.js";
import { releaseProvider } from "./release.js";

export function kubernetesProviders(connect: Connector): Record<string, AnyProvider> {
  return {
    [kubernetes.RELEASE_TYPE]: releaseProvider(),
    [kubernetes.NODE_STATE_TYPE]: nodeStateProvider(connect),
    [kubernetes.IMAGES_TYPE]: imagesProvider(connect),
  };
}
