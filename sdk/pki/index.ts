/** The cluster PKI: CAs, certificates, key pairs and kubeconfigs, made by drydock itself (no openssl). */
export { CertificateAuthority, CA_TYPE, CertificateAuthorityArgsSchema, type CertificateAuthorityArgs, type CertificateAuthorityInputs } from "./authority.js";
export { Certificate, CERTIFICATE_TYPE, CertificateArgsSchema, UsageSchema, type CertificateArgs, type CertificateInputs, type Usage } from "./certificate.js";
export { KeyPair, KEY_PAIR_TYPE, KeyPairArgsSchema, type KeyPairArgs, type KeyPairInputs } from "./key-pair.js";
export { Kubeconfig, KUBECONFIG_TYPE, KubeconfigArgsSchema, type KubeconfigArgs, type KubeconfigInputs } from "./kubeconfig.js";
export { AlgorithmSchema, DurationSchema, CaRefSchema, durationMs, toPemPair, type Algorithm, type CaRef, type CaLike } from "./common.js";
