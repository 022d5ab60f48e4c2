/**
 * kubernetes.Object: any Kubernetes object, reconciled by server-side apply (field manager
 * "drydock"). `preview` shows a server dry run's changes; refresh sees drift; an object dropped
 * from the program is deleted; readiness is awaited per kind. Typed kinds (kinds.ts) and the
 * builders (app.ts, yaml.ts, chart.ts) all make these.
 */
import { z } from "zod";
import { CustomResource, type Resource, type ResourceOptions } from "../../resource.js";
import { secret, type Input, type Output } from "../../output.js";
import { KubeAccessSchema, accessOf, withDependencies, type ClusterRef } from "./access.js";
import { declare, dependenciesOf } from "./declared.js";

export const OBJECT_TYPE = "drydock:kubernetes:Object";

/** A DNS-1123 subdomain, as object names are. */
const objectName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "must be a lowercase DNS name (a-z, 0-9, '-', '.'), at most 253 characters");

export const ManifestSchema = z.object({
  apiVersion: z.string().regex(/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/, 'must be "v1" or "group/version"'),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a kind such as Deployment"),
  metadata: z.object({
    name: objectName,
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a namespace name (a DNS label)").optional(),
  }).passthrough(),
}).passthrough();

export const ObjectArgsSchema = z.object({
  access: KubeAccessSchema,
  /** The object as it would be written in YAML. */
  manifest: ManifestSchema,
  /** The namespace of a namespaced object that names none. @default "default" */
  defaultNamespace: z.string().default("default"),
  /** Take fields another field manager owns (server-side apply's force). @default false */
  force: z.boolean().default(false),
  /** Wait until the object is ready (per its kind) after a create or update. @default true */
  waitForReady: z.boolean().default(true),
  /** Seconds to wait for readiness. @default 300 */
  readyTimeout: z.number().positive().max(86_400).default(300),
  /** Seconds a delete waits for the object to go (its finalizers). @default 120 */
  deleteTimeout: z.number().positive().max(86_400).default(120),
}).strict();
export type ObjectInputs = z.infer<typeof ObjectArgsSchema>;

/** Every field an Input, deeply. */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
  ? Input<T>
  : T extends readonly (infer E)[]
    ? Input<readonly DeepInput<E>[]>
    : T extends object ? Input<{ [K in keyof T]: DeepInput<T[K]> }> : Input<T>;

/** What every object resource takes besides its body. */
export interface ObjectSettings {
  /** The cluster: a `kubernetes.Cluster` of this program, or a kubeconfig (and `via`). */
  readonly cluster: ClusterRef;
  readonly defaultNamespace?: Input<string>;
  readonly force?: Input<boolean>;
  readonly waitForReady?: Input<boolean>;
  readonly readyTimeout?: Input<number>;
  readonly deleteTimeout?: Input<number>;
}

export interface ObjectArgs<T = Record<string, unknown>> extends ObjectSettings {
  readonly manifest: DeepInput<T>;
}

/** A Secret's values are secrets wherever they go (state, plans, events). */
function withSecrets(m: Record<string, unknown>): Record<string, unknown> {
  if (m.kind !== "Secret" || (m.apiVersion !== "v1" && m.apiVersion !== undefined)) return m;
  const out = { ...m };
  for (const k of ["data", "stringData"]) if (out[k] !== undefined) out[k] = secret(out[k] as Input<unknown>);
  return out;
}

export class KubeObject<T = Record<string, unknown>> extends CustomResource {
  /** The object as the API server returned it after the last apply (managedFields left out). */
  declare readonly object: Output<T>;
  declare readonly name: Output<string>;
  /** Undefined for a cluster-scoped object. */
  declare readonly namespace: Output<string | undefined>;
  declare readonly uid: Output<string>;

  constructor(name: string, args: ObjectArgs<T>, opts?: ResourceOptions) {
    const { cluster, manifest, ...rest } = args;
    const { access, waitFor } = accessOf(cluster);
    const body = withSecrets(manifest as Record<string, unknown>);
    const deps: Resource[] = [...waitFor, ...dependenciesOf(body)];
    super(OBJECT_TYPE, name, { ...rest, access, manifest: body }, withDependencies(opts, deps), ["object", "name", "namespace", "uid"]);
    declare(body, this);
  }
}
