/**
 * kubernetes.ClusterSpec: a cluster's declaration as one checked whole, before anything is
 * touched: its hosts (each named once, at one address), its subnets (pod, service and the hosts'
 * addresses apart), its API endpoint, the stacked etcd member count (odd), the components' flags
 * and configs against the release's own lists, and the images the cluster needs in the release.
 * It also keeps each node's pod subnet: a node keeps its subnet for as long as it is declared,
 * and a new node takes the lowest free one, so adding or removing a node moves no other node.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Output } from "../output.js";
import type { ArgsOf } from "../args.js";
import { isIPv4 } from "../net.js";
import { NodeNameSchema } from "./parts.js";

export const CLUSTER_SPEC_TYPE = "drydock:kubernetes:ClusterSpec";

/** The components whose flags a cluster sets. */
export const FLAG_COMPONENTS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
export type FlagComponent = (typeof FLAG_COMPONENTS)[number];

const Ipv4Schema = z.string().refine(isIPv4, "must be an IPv4 address");
const LabelKeySchema = z.string().regex(/^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, "must be a label key such as example.com/tier");
const LabelValueSchema = z.string().regex(/^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/, "must be a label value (letters, digits, - _ ., at most 63)");

export const TaintSchema = z.object({
  key: LabelKeySchema,
  value: LabelValueSchema.optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
}).strict();
export type Taint = z.infer<typeof TaintSchema>;

export const SpecHostSchema = z.object({
  /** The Kubernetes node name (and the etcd member's and the host's name in the plan). */
  name: NodeNameSchema,
  /** The address other hosts and the control plane reach it at. */
  address: Ipv4Schema,
}).strict();

export const SpecWorkerSchema = SpecHostSchema.extend({
  /** Labels kubelet registers the node with. @default {} */
  labels: z.record(LabelKeySchema, LabelValueSchema).default({}),
  /** Taints kubelet registers the node with. @default [] */
  taints: z.array(TaintSchema).default([]),
  /** The node's pod subnet. @default the lowest free one of `podSubnet` */
  podCidr: z.string().optional(),
}).strict();

export const EndpointSchema = z.object({
  /** vip: a virtual address kept by keepalived on the control-plane hosts; external: a load balancer of the user's; host: the only control-plane host. */
  kind: z.enum(["vip", "external", "host"]),
  address: Ipv4Schema,
  port: z.number().int().min(1).max(65535),
}).strict();
export type Endpoint = z.infer<typeof EndpointSchema>;

export const ClusterSpecArgsSchema = z.object({
  clusterName: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a DNS label"),
  /** The release's version ("v1.37.2"): flags and configs are checked against it. */
  version: z.string().regex(/^v1\.\d+\.\d+$/, 'must be a Kubernetes release such as "v1.37.2"'),
  controlPlane: z.array(SpecHostSchema).min(1, "controlPlane must list at least one host"),
  workers: z.array(SpecWorkerSchema).default([]),
  podSubnet: z.string(),
  /** The networks the hosts' addresses are on, so an overlap is found before any address is known. */
  hostNetworks: z.array(z.string()).default([]),
  serviceSubnet: z.string(),
  /** The size of each node's pod subnet. */
  nodeMaskSize: z.number().int().min(16).max(28),
  clusterDomain: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a DNS domain such as cluster.local"),
  endpoint: EndpointSchema,
  /** Stacked: etcd runs on the control-plane hosts (an odd count); external: an etcd.Cluster of its own. */
  etcd: z.enum(["stacked", "external"]),
  allowEvenMembers: z.boolean().default(false),
  flags: z.object({
    "kube-apiserver": z.record(z.string(), z.string()).default({}),
    "kube-controller-manager": z.record(z.string(), z.string()).default({}),
    "kube-scheduler": z.record(z.string(), z.string()).default({}),
  }).strict(),
  kubelet: z.record(z.string(), z.unknown()).default({}),
  kubeProxy: z.record(z.string(), z.unknown()).default({}),
  /** The images the release has (names as in `Release.images`). */
  releaseImages: z.array(z.string()),
  /** The images the cluster runs: checked against `releaseImages`. */
  requiredImages: z.array(z.string()),
}).strict();
export type ClusterSpecInputs = z.infer<typeof ClusterSpecArgsSchema>;

export class ClusterSpec extends CustomResource {
  /** Node name → its pod subnet. */
  declare readonly podCidrs: Output<Record<string, string>>;
  constructor(name: string, args: ArgsOf<z.input<typeof ClusterSpecArgsSchema>>, opts?: ResourceOptions) {
    super(CLUSTER_SPEC_TYPE, name, { ...args }, opts, ["podCidrs"]);
  }
}
