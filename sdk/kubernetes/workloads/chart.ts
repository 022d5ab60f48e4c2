/**
 * kubernetes.Chart: a Helm chart rendered by a pinned `helm template` (an artifact like any other
 * binary: fetched, checked by sha256, cached) and applied as resources of its own, so `preview`
 * shows each object, and an upgrade prunes what the new version no longer renders. No Helm
 * release record is kept in the cluster: drydock's state is the record. Hooks become ordinary
 * objects, except test hooks (`helm.sh/hook: test`), which are left out.
 */
import type { ResourceOptions } from "../../resource.js";
import type { Artifact } from "../../artifact.js";
import { ObjectGroup, type GroupSettings } from "./group.js";

export const CHART_TYPE = "drydock:kubernetes:Chart";
export const HELM_TEMPLATE = "kubernetes:helmTemplate";

export interface ChartArgs extends GroupSettings {
  /** A chart folder or .tgz, relative to the project's folder. */
  readonly chart: string;
  /** The `helm` binary (a release archive and its member, or the binary itself). */
  readonly helm: Artifact;
  /** @default the resource's name */
  readonly releaseName?: string;
  /** The release's namespace: templates' `.Release.Namespace`, and where namespaced objects without one go. @default "default" */
  readonly namespace?: string;
  /** Values, as in a values file (known values only: a chart renders while the program runs). */
  readonly values?: Record<string, unknown>;
  /** `--kube-version` for `.Capabilities.KubeVersion`. */
  readonly kubeVersion?: string;
  /** `--api-versions`, for charts that test `.Capabilities.APIVersions`. */
  readonly apiVersions?: readonly string[];
}

export class Chart extends ObjectGroup {
  constructor(name: string, args: ChartArgs, opts?: ResourceOptions) {
    const { chart, helm, releaseName, namespace, values, kubeVersion, apiVersions, ...settings } = args;
    const ns = namespace ?? "default";
    super(CHART_TYPE, name, { defaultNamespace: ns, ...settings }, opts, {
      token: HELM_TEMPLATE,
      args: { chart, helm, releaseName: releaseName ?? name, namespace: ns, values: values ?? {}, ...(kubeVersion ? { kubeVersion } : {}), apiVersions: apiVersions ?? [] },
    });
  }
}
