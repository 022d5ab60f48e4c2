/**
 * Typed resources for the common kinds, their bodies typed by kubernetes-models (the Kubernetes
 * OpenAPI schema): `new kubernetes.Deployment("web", { cluster, metadata: {…}, spec: {…} })`.
 * `metadata.name` defaults to the resource's name. Any other kind: `kubernetes.KubeObject`.
 */
import type { ResourceOptions } from "../../resource.js";
import { Output, output, type Input } from "../../output.js";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IService } from "kubernetes-models/v1/Service";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { ICustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { KubeObject, type DeepInput, type ObjectSettings } from "./object.js";

/** Every object's metadata (name, namespace, labels, annotations, …). */
export type ObjectMeta = NonNullable<IConfigMap["metadata"]>;

/** A kind's body as a program writes it: everything but apiVersion, kind and status, every field an Input. */
export type KindArgs<T> = ObjectSettings & { readonly [K in Exclude<keyof T, "apiVersion" | "kind" | "status" | "metadata">]?: DeepInput<T[K]> } & {
  readonly metadata?: DeepInput<ObjectMeta>;
};

type KindClass<T> = new (name: string, args: KindArgs<T>, opts?: ResourceOptions) => KubeObject<T>;

const SETTINGS = ["cluster", "defaultNamespace", "force", "waitForReady", "readyTimeout", "deleteTimeout"] as const;

function kind<T>(apiVersion: string, kindName: string): KindClass<T> {
  return class extends KubeObject<T> {
    constructor(name: string, args: KindArgs<T>, opts?: ResourceOptions) {
      const settings: Record<string, unknown> = {};
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(args)) ((SETTINGS as readonly string[]).includes(k) ? settings : body)[k] = v;
      const given = body.metadata;
      // Plain metadata stays plain (so a namespace name orders objects: declared.ts).
      const metadata = given !== undefined && (Output.isInstance(given) || given instanceof Promise)
        ? output(given as Input<Record<string, unknown>>).apply((m) => ({ name, ...m }))
        : { name, ...(given as Record<string, unknown> | undefined) };
      super(name, { ...(settings as unknown as ObjectSettings), manifest: { apiVersion, kind: kindName, ...body, metadata } as DeepInput<T> }, opts);
    }
  };
}

export const Namespace = kind<INamespace>("v1", "Namespace");
export const ConfigMap = kind<IConfigMap>("v1", "ConfigMap");
/** Its `data` and `stringData` are secrets in state, plans and logs. */
export const Secret = kind<ISecret>("v1", "Secret");
export const ServiceAccount = kind<IServiceAccount>("v1", "ServiceAccount");
export const Service = kind<IService>("v1", "Service");
export const PersistentVolumeClaim = kind<IPersistentVolumeClaim>("v1", "PersistentVolumeClaim");
export const Pod = kind<IPod>("v1", "Pod");
export const Role = kind<IRole>("rbac.authorization.k8s.io/v1", "Role");
export const ClusterRole = kind<IClusterRole>("rbac.authorization.k8s.io/v1", "ClusterRole");
export const RoleBinding = kind<IRoleBinding>("rbac.authorization.k8s.io/v1", "RoleBinding");
export const ClusterRoleBinding = kind<IClusterRoleBinding>("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
export const Deployment = kind<IDeployment>("apps/v1", "Deployment");
export const StatefulSet = kind<IStatefulSet>("apps/v1", "StatefulSet");
export const DaemonSet = kind<IDaemonSet>("apps/v1", "DaemonSet");
export const Job = kind<IJob>("batch/v1", "Job");
export const CronJob = kind<ICronJob>("batch/v1", "CronJob");
export const Ingress = kind<IIngress>("networking.k8s.io/v1", "Ingress");
export const NetworkPolicy = kind<INetworkPolicy>("networking.k8s.io/v1", "NetworkPolicy");
export const CustomResourceDefinition = kind<ICustomResourceDefinition>("apiextensions.k8s.io/v1", "CustomResourceDefinition");

/** A custom object (a CRD's kind): untyped body, or give your own type. */
export function customKind<T = Record<string, unknown>>(apiVersion: string, kindName: string): KindClass<T> {
  return kind<T>(apiVersion, kindName);
}
