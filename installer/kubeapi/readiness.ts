/**
 * When an object is ready, by kind (the rules pulumi-kubernetes awaits): a Deployment's observed
 * generation, its new ReplicaSet progressed and available; a StatefulSet's and a DaemonSet's
 * rollout complete; a Service's endpoints ready; a Job complete; a Pod Ready; a PVC bound; a CRD
 * established; a Namespace active. Other kinds are ready once applied. `failed` means waiting
 * longer cannot help (a Job failed, a Deployment past its progress deadline).
 */
import type { KubeClient } from "./client.js";

export type Obj = { metadata: { name: string; namespace?: string; generation?: number; uid?: string; resourceVersion?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> } & Record<string, unknown>;

export interface Readiness {
  readonly ready: boolean;
  /** What is missing, in a few words ("2 of 3 replicas available"). */
  readonly waiting?: string;
  readonly failed?: string;
}

interface Condition { type: string; status: string; reason?: string; message?: string }

const conditions = (o: Obj): Condition[] => (o.status?.conditions as Condition[] | undefined) ?? [];
const cond = (o: Obj, type: string): Condition | undefined => conditions(o).find((c) => c.type === type);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
const observed = (o: Obj): boolean => num(o.status?.observedGeneration) >= num(o.metadata.generation);
const READY: Readiness = { ready: true };
const wait = (waiting: string): Readiness => ({ ready: false, waiting });

function deployment(o: Obj): Readiness {
  if (!observed(o)) return wait("the controller has not seen the latest change");
  const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas);
  const progressing = cond(o, "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") return { ready: false, failed: `ProgressDeadlineExceeded: ${progressing.message ?? ""}` };
  const s = o.status ?? {};
  if (num(s.updatedReplicas) < want) return wait(`${num(s.updatedReplicas)} of ${want} replicas updated`);
  if (num(s.availableReplicas) < want || num(s.unavailableReplicas) > 0) return wait(`${num(s.availableReplicas)} of ${want} replicas available`);
  if (num(s.replicas) > want) return wait(`${num(s.replicas) - want} old replicas still terminating`);
  if (want > 0 && progressing?.reason !== "NewReplicaSetAvailable") return wait("the new ReplicaSet is not yet available");
  return READY;
}

function statefulSet(o: Obj): Readiness {
  if (!observed(o)) return wait("the controller has not seen the latest change");
  const want = o.spec?.replicas === undefined ? 1 : num(o.spec.replicas);
  const s = o.status ?? {};
  if (num(s.readyReplicas) < want) return wait(`${num(s.readyReplicas)} of ${want} replicas ready`);
  const strategy = (o.spec?.updateStrategy as { type?: string } | undefined)?.type ?? "RollingUpdate";
  if (strategy === "RollingUpdate") {
    if (num(s.updatedReplicas) < want) return wait(`${num(s.updatedReplicas)} of ${want} replicas updated`);
    if (s.updateRevision && s.currentRevision !== s.updateRevision) return wait(`revision ${String(s.updateRevision)} rolling out`);
  }
  return READY;
}

function daemonSet(o: Obj): Readiness {
  if (!observed(o)) return wait("the controller has not seen the latest change");
  const s = o.status ?? {};
  const want = num(s.desiredNumberScheduled);
  if (num(s.updatedNumberScheduled) < want) return wait(`${num(s.updatedNumberScheduled)} of ${want} pods updated`);
  if (num(s.numberAvailable) < want) return wait(`${num(s.numberAvailable)} of ${want} pods available`);
  return READY;
}

function job(o: Obj): Readiness {
  const failed = cond(o, "Failed");
  if (failed?.status === "True") return { ready: false, failed: `${failed.reason ?? "Failed"}: ${failed.message ?? ""}` };
  return cond(o, "Complete")?.status === "True" ? READY : wait(`${num(o.status?.succeeded)} completed, ${num(o.status?.active)} running`);
}

function pod(o: Obj): Readiness {
  const phase = o.status?.phase;
  if (phase === "Succeeded") return READY;
  if (phase === "Failed") return { ready: false, failed: `pod failed: ${String(o.status?.reason ?? "")} ${String(o.status?.message ?? "")}`.trim() };
  return cond(o, "Ready")?.status === "True" ? READY : wait(`pod ${String(phase ?? "Pending")}, not Ready`);
}

/** A Service's EndpointSlices: where they are listed, and the label that names their Service. */
const slicesOf = (namespace: string | undefined): string => `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;
const SERVICE_NAME = "kubernetes.io/service-name";

async function service(client: KubeClient, o: Obj): Promise<Readiness> {
  const spec = o.spec ?? {};
  if (spec.type === "ExternalName" || !spec.selector || Object.keys(spec.selector as object).length === 0) return READY;
  const slices = await client.request<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>(
    "GET", slicesOf(o.metadata.namespace), { query: { labelSelector: `${SERVICE_NAME}=${o.metadata.name}` } });
  const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
  return ready > 0 ? READY : wait("no ready endpoint (no pod behind the selector is Ready)");
}

const groupOf = (o: Obj): string => (String(o.apiVersion).includes("/") ? String(o.apiVersion).split("/")[0]! : "");

/**
 * Where a change that can make the object ready shows, when that is not the object itself: a
 * Service's EndpointSlices (what service() reads). The list path, and which of its objects count.
 */
export function readinessSource(o: Obj): { collection: string; match: (x: { metadata?: { labels?: Record<string, string> } }) => boolean } | undefined {
  if (groupOf(o) !== "" || o.kind !== "Service") return undefined;
  return { collection: slicesOf(o.metadata.namespace), match: (x) => x.metadata?.labels?.[SERVICE_NAME] === o.metadata.name };
}

export async function readiness(client: KubeClient, o: Obj): Promise<Readiness> {
  const kind = o.kind as string;
  const group = groupOf(o);
  if (group === "apps" && kind === "Deployment") return deployment(o);
  if (group === "apps" && kind === "StatefulSet") return statefulSet(o);
  if (group === "apps" && kind === "DaemonSet") return daemonSet(o);
  if (group === "batch" && kind === "Job") return job(o);
  if (group === "" && kind === "Pod") return pod(o);
  if (group === "" && kind === "Service") return service(client, o);
  if (group === "" && kind === "PersistentVolumeClaim") return o.status?.phase === "Bound" ? READY : wait(`claim ${String(o.status?.phase ?? "Pending")}`);
  if (group === "" && kind === "Namespace") return o.status?.phase === "Active" ? READY : wait(`namespace ${String(o.status?.phase)}`);
  if (group === "apiextensions.k8s.io" && kind === "CustomResourceDefinition") return cond(o, "Established")?.status === "True" ? READY : wait("not yet established");
  return READY;
}
