/** The PKI providers, by type token. Everything they make lives in state (keys encrypted). */
import type { AnyProvider } from "../../../sdk/index.js";
import { pki, systemClock, type Clock } from "./deps.js";
import { authorityProvider } from "./authority.js";
import { certificateProvider } from "./certificate.js";
import { keyPairProvider } from "./key-pair.js";
import { kubeconfigProvider } from "./kubeconfig.js";

export function pkiProviders(clock: Clock = systemClock): Record<string, AnyProvider> {
  return {
    [pki.CA_TYPE]: authorityProvider(clock),
    [pki.CERTIFICATE_TYPE]: certificateProvider(clock),
    [pki.KEY_PAIR_TYPE]: keyPairProvider,
    [pki.KUBECONFIG_TYPE]: kubeconfigProvider,
  };
}
