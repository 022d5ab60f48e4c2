/**
 * How drydock reaches a cluster's API: a kubeconfig (the cluster's output or any other), the
 * server's CA always verified, and optionally an SSH host to go through when the endpoint is not
 * routable from where drydock runs.
 */
import { z } from "zod";
import { isResource, type Resource, type ResourceOptions } from "../../resource.js";
import { secret, type Input, type Output } from "../../output.js";
import { ConnectionSchema } from "../../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../../ssh/target.js";

export const KubeAccessSchema = z.object({
  /** A kubeconfig's YAML: its current context's server, CA and credentials are used. */
  kubeconfig: z.string().min(1, "kubeconfig must not be empty"),
  /** A context other than the kubeconfig's current one. */
  context: z.string().min(1).optional(),
  /** An SSH host that reaches the API server: the connection to it is made through SSH (a TCP forward). */
  via: ConnectionSchema.optional(),
}).strict();
export type KubeAccess = z.infer<typeof KubeAccessSchema>;

export interface KubeAccessArgs {
  readonly kubeconfig: Input<string>;
  readonly context?: Input<string>;
  readonly via?: ConnectionLike;
  /** A resource every object waits for (a cluster's "ready" gate). */
  readonly ready?: Resource;
}

/** What a cluster declared in the same program offers (a `kubernetes.Cluster`). */
export interface ClusterAccessLike {
  readonly kubeconfig: Output<string>;
  /** Passes once the cluster is "done": workloads wait for it. */
  readonly ready: Resource;
}

/** A `kubernetes.Cluster` of the same program, or a kubeconfig. */
export type ClusterRef = ClusterAccessLike | KubeAccessArgs;

const isClusterResource = (c: ClusterRef): c is ClusterAccessLike => isResource(c) && "ready" in c && isResource((c as ClusterAccessLike).ready);

/** The access input and the resources a workload must wait for. */
export function accessOf(c: ClusterRef): { access: Input<Record<string, unknown>>; waitFor: Resource[] } {
  if (isClusterResource(c)) return { access: { kubeconfig: c.kubeconfig }, waitFor: [c.ready] };
  const a = c as KubeAccessArgs;
  return {
    access: {
      kubeconfig: secret(a.kubeconfig),
      ...(a.context !== undefined ? { context: a.context } : {}),
      ...(a.via !== undefined ? { via: toConnection(a.via) } : {}),
    },
    waitFor: a.ready ? [a.ready] : [],
  };
}

/** `opts` with `extra` added to its dependsOn. */
export function withDependencies(opts: ResourceOptions | undefined, extra: readonly Resource[]): ResourceOptions {
  if (!extra.length) return opts ?? {};
  return { ...opts, dependsOn: opts?.dependsOn === undefined ? [...extra] : [...extra, opts.dependsOn as Input<Resource>] };
}

/** The same access, through an SSH host (for an endpoint not routable from here). */
export function through(c: ClusterRef, via: ConnectionLike): KubeAccessArgs {
  if (isClusterResource(c)) return { kubeconfig: c.kubeconfig, via, ready: c.ready };
  return { ...(c as KubeAccessArgs), via };
}

