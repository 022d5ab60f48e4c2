/**
 * The Kubernetes-specific resources a node is built from, besides the host building blocks:
 * - NodeState: the node's runtime state (containerd's and kubelet's data, pods, their mounts and
 *   network); it checks the host before anything runs there (tools present, no foreign runtime
 *   state, kubelet settings valid for the release), and its delete tears all of it down;
 * - Images: image archives imported into containerd's `k8s.io` namespace, each skipped when the
 *   image is already there with the same manifest digest.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ArtifactSchema } from "../artifact.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { checkConfig } from "./config-check.js";

export const NODE_STATE_TYPE = "drydock:kubernetes:NodeState";
export const IMAGES_TYPE = "drydock:kubernetes:Images";

export const NodeNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, "must be a DNS subdomain: lowercase letters, digits, '-' and '.'");

/** Where the node's runtime keeps its state: all of it is the node's, and delete removes it. */
export const NODE_STATE_DIRS = ["/var/lib/containerd", "/run/containerd", "/var/lib/kubelet", "/var/lib/cni", "/var/log/pods", "/var/log/containers"] as const;

export const NodeStateArgsSchema = z.object({
  connection: ConnectionSchema,
  /** The node's name. */
  node: NodeNameSchema,
  /** The Kubernetes release ("v1.37.2"): kubelet's settings are checked against its config API. */
  version: z.string().regex(/^v1\.\d+\.\d+$/, 'must be a Kubernetes release such as "v1.37.2"'),
  /** The KubeletConfiguration the node's kubelet is given (checked here, in the plan). */
  kubeletConfig: z.record(z.string(), z.unknown()),
  /** The node's pod network bridge (deleted with the node). @default "cni0" */
  bridge: z.string().regex(/^[a-z][a-z0-9_-]{0,14}$/, "must be a network interface name").default("cni0"),
}).strict().superRefine((v, ctx) => {
  for (const p of checkConfig("KubeletConfiguration", v.version, v.kubeletConfig)) {
    ctx.addIssue({ code: "custom", path: ["kubeletConfig", ...(p.path ? p.path.split(".") : [])], message: p.message });
  }
});
export type NodeStateInputs = z.infer<typeof NodeStateArgsSchema>;

export class NodeState extends CustomResource {
  declare readonly node: Output<string>;
  constructor(name: string, args: { readonly [K in keyof z.input<typeof NodeStateArgsSchema>]: Input<z.input<typeof NodeStateArgsSchema>[K]> }, opts?: ResourceOptions) {
    super(NODE_STATE_TYPE, name, { ...args }, opts, ["node"]);
  }
}

export const ImageSchema = z.object({
  /** Fully qualified: registry.k8s.io/pause:3.10.2 (a short name would become docker.io/library/…). */
  name: z.string().regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._\/-]+:[\w][\w.-]*$/, "must be a fully qualified, tagged image name such as registry.k8s.io/pause:3.10.2"),
  /** The image archive (OCI layout), pinned. */
  archive: ArtifactSchema,
  /** The manifest digest inside the archive: what containerd lists once it is imported. */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 hex digits'),
}).strict();

export const ImagesArgsSchema = z.object({
  connection: ConnectionSchema,
  images: z.array(ImageSchema),
  /** Seconds one import may take. @default 300 */
  timeout: z.number().positive().max(3600).default(300),
}).strict().superRefine((v, ctx) => {
  const seen = new Set<string>();
  v.images.forEach((img, k) => {
    if (seen.has(img.name)) ctx.addIssue({ code: "custom", path: ["images", k, "name"], message: `${img.name} is listed twice` });
    seen.add(img.name);
  });
});
export type ImagesInputs = z.infer<typeof ImagesArgsSchema>;

export interface ImagesArgs {
  readonly connection: Input<z.input<typeof ConnectionSchema>>;
  readonly images: Input<readonly Input<z.input<typeof ImageSchema>>[]>;
  readonly timeout?: Input<number>;
}

export class Images extends CustomResource {
  /** name → manifest digest, as containerd lists them. */
  declare readonly present: Output<Record<string, string>>;
  constructor(name: string, args: ImagesArgs, opts?: ResourceOptions) {
    super(IMAGES_TYPE, name, { ...args }, opts, ["present"]);
  }
}
