/** The Kubernetes providers, by type token. */
import { kubernetes, type AnyProvider } from "../../../sdk/index.js";
import type { Connector } from "../../transport/types.js";
import { imagesProvider } from "./images.js";
import { nodeStateProvider } from "./node-state.js";
import { releaseProvider } from "./release.js";
import { clusterSpecProvider } from "./cluster-spec.js";
import { encryptionKeyProvider } from "./encryption-key.js";
import { manifestsProvider } from "./manifests.js";
import { nodeRegistrationProvider } from "./node-registration.js";
import { controlPlaneStateProvider } from "./control-plane-state.js";
import { objectProvider } from "./object/provider.js";

export function kubernetesProviders(connect: Connector): Record<string, AnyProvider> {
  return {
    [kubernetes.RELEASE_TYPE]: releaseProvider(),
    [kubernetes.NODE_STATE_TYPE]: nodeStateProvider(connect),
    [kubernetes.IMAGES_TYPE]: imagesProvider(connect),
    [kubernetes.CLUSTER_SPEC_TYPE]: clusterSpecProvider(),
    [kubernetes.ENCRYPTION_KEY_TYPE]: encryptionKeyProvider(),
    [kubernetes.MANIFESTS_TYPE]: manifestsProvider(connect),
    [kubernetes.NODE_REGISTRATION_TYPE]: nodeRegistrationProvider(connect),
    [kubernetes.CONTROL_PLANE_STATE_TYPE]: controlPlaneStateProvider(connect),
    [kubernetes.OBJECT_TYPE]: objectProvider(connect),
  };
}
