/**
 * kubernetes.ClusterPki: the certificates a cluster shares, as pki.* resources (so their expiry
 * is in the plan and renewal is a reconcile): the cluster CA, the front-proxy CA, the
 * service-account key pair, and the client certificates of the control plane's own users
 * (apiserver → kubelet, front proxy, controller-manager, scheduler, admin, kube-proxy) with
 * their kubeconfigs. Per-host certificates (apiserver serving, kubelet) are made where the host is.
 */
import { ComponentResource, type ResourceOptions } from "../resource.js";
import { output, type Input, type Output } from "../output.js";
import { CertificateAuthority } from "../pki/authority.js";
import { Certificate } from "../pki/certificate.js";
import { KeyPair } from "../pki/key-pair.js";
import { Kubeconfig } from "../pki/kubeconfig.js";
import { urlHost } from "../net.js";

export const CLUSTER_PKI_TYPE = "drydock:kubernetes:ClusterPki";

export interface ClusterPkiArgs {
  readonly clusterName: string;
  /** The API endpoint (address, port) in kubeconfigs used off the control-plane hosts. */
  readonly endpoint: Input<{ readonly address: string; readonly port: number }>;
  /** Leaf certificates' validity. @default "365d" */
  readonly validity?: Input<string>;
  /** @default "30d" */
  readonly renewBefore?: Input<string>;
}

/** A client certificate and the kubeconfig that carries it. */
export interface ClientCredential {
  readonly certificate: Certificate;
  readonly kubeconfig: Kubeconfig;
}

export const LOCAL_API = "https://127.0.0.1:6443";

export class ClusterPki extends ComponentResource {
  readonly ca: CertificateAuthority;
  readonly frontProxyCa: CertificateAuthority;
  readonly serviceAccount: KeyPair;
  readonly apiServerKubeletClient: Certificate;
  readonly frontProxyClient: Certificate;
  /**
   * Server: the endpoint, not the host's own API server, so a leader keeps renewing its lease
   * while its host's API server restarts (a leader that cannot renew in time exits).
   */
  readonly controllerManager: ClientCredential;
  readonly scheduler: ClientCredential;
  /** For kubectl on the control-plane hosts (their own API server). */
  readonly adminLocal: ClientCredential;
  /** For kubectl anywhere: the API endpoint. */
  readonly admin: Kubeconfig;
  readonly kubeProxy: ClientCredential;
  /** https://<endpoint>:<port> */
  readonly server: Output<string>;
  private readonly leaf: { validity: Input<string>; renewBefore: Input<string> };

  constructor(name: string, args: ClusterPkiArgs, opts?: ResourceOptions) {
    super(CLUSTER_PKI_TYPE, name, {}, opts);
    const parent = this;
    const cn = args.clusterName;
    this.leaf = { validity: args.validity ?? "365d", renewBefore: args.renewBefore ?? "30d" };
    this.server = output(args.endpoint).apply((e) => `https://${urlHost(e.address)}:${e.port}`);
    this.ca = new CertificateAuthority(`${name}-ca`, { commonName: `${cn}-kubernetes-ca` }, { parent });
    this.frontProxyCa = new CertificateAuthority(`${name}-front-proxy-ca`, { commonName: `${cn}-front-proxy-ca` }, { parent });
    this.serviceAccount = new KeyPair(`${name}-service-account`, {}, { parent });
    this.apiServerKubeletClient = this.client(`${name}-apiserver-kubelet-client`, "kube-apiserver-kubelet-client", []);
    this.frontProxyClient = new Certificate(`${name}-front-proxy-client`, { ca: this.frontProxyCa, commonName: "front-proxy-client", usages: ["client"], ...this.leaf }, { parent });
    this.controllerManager = this.credential(`${name}-controller-manager`, "system:kube-controller-manager", [], this.server);
    this.scheduler = this.credential(`${name}-scheduler`, "system:kube-scheduler", [], this.server);
    this.adminLocal = this.credential(`${name}-admin-local`, "admin", ["system:masters"], LOCAL_API);
    this.admin = new Kubeconfig(`${name}-admin`, { server: this.server, ca: this.ca, certificate: this.adminLocal.certificate, clusterName: cn, userName: "admin" }, { parent });
    this.kubeProxy = this.credential(`${name}-kube-proxy`, "system:kube-proxy", [], this.server);
    this.registerOutputs({ server: this.server });
  }

  /** A client certificate signed by the cluster CA. */
  client(name: string, commonName: string, groups: string[]): Certificate {
    return new Certificate(name, { ca: this.ca, commonName, organization: groups, usages: ["client"], ...this.leaf }, { parent: this });
  }

  /** A client certificate and its kubeconfig for `server`. */
  credential(name: string, commonName: string, groups: string[], server: Input<string>): ClientCredential {
    const certificate = this.client(name, commonName, groups);
    const kubeconfig = new Kubeconfig(`${name}-kubeconfig`, { server, ca: this.ca, certificate, clusterName: "kubernetes", userName: commonName.replace(/^system:/, "").replace(/:/g, "-") }, { parent: this });
    return { certificate, kubeconfig };
  }

  /** A serving certificate signed by the cluster CA. */
  serving(name: string, commonName: string, dnsNames: Input<Input<string>[]>, ipAddresses: Input<Input<string>[]>, parent: ComponentResource): Certificate {
    return new Certificate(name, { ca: this.ca, commonName, usages: ["server"], dnsNames, ipAddresses, ...this.leaf }, { parent });
  }
}

