/**
 * kubernetes.Manifests: Kubernetes objects applied with kubectl's server-side apply (field manager
 * "drydock") on a control-plane host, through the same SSH path as everything else, so the API
 * need not be reachable from where drydock runs. Used for the cluster's own add-ons (CoreDNS,
 * RBAC); workloads get a provider of their own. An object dropped from the set is deleted; refresh
 * sees an object deleted by hand, and the next `up` applies it again.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { TemplateRefSchema } from "../host/common.js";

export const MANIFESTS_TYPE = "drydock:kubernetes:Manifests";

export const ManifestsArgsSchema = z.object({
  /** A control-plane host, with kubectl and the admin kubeconfig. */
  connection: ConnectionSchema,
  /** The objects, as YAML documents. */
  content: z.string().optional(),
  /** Or rendered from templates/. */
  template: TemplateRefSchema.optional(),
  /** The kubeconfig kubectl uses there. @default "/etc/kubernetes/admin.kubeconfig" */
  kubeconfig: z.string().regex(/^\/[A-Za-z0-9._/-]+$/, "must be an absolute path").default("/etc/kubernetes/admin.kubeconfig"),
  /** Seconds an apply may take. @default 60 */
  timeout: z.number().positive().max(3600).default(60),
}).strict().refine((v) => (v.content === undefined) !== (v.template === undefined), { message: "give exactly one of content or template", path: ["content"] });
export type ManifestsInputs = z.infer<typeof ManifestsArgsSchema>;

export interface ManifestsArgs {
  readonly connection: ConnectionLike;
  readonly content?: Input<string>;
  readonly template?: Input<{ readonly name: Input<string>; readonly values?: Input<Record<string, Input<string | number | boolean>>> }>;
  readonly kubeconfig?: Input<string>;
  readonly timeout?: Input<number>;
}

export class Manifests extends CustomResource {
  /** The objects, as `kubectl get` names them: "deployment.apps/coredns -n kube-system". */
  declare readonly objects: Output<string[]>;
  /** sha256 of the rendered objects: changes when any object does. */
  declare readonly digest: Output<string>;
  constructor(name: string, args: ManifestsArgs, opts?: ResourceOptions) {
    super(MANIFESTS_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, ["objects", "digest", "present"]);
  }
}
