/** lxd.Network: a bridge with an explicit IPv4 subnet (never LXD's automatic subnet discovery). */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { ArgsOf, Override } from "../args.js";
import { gatewayCidrProblem } from "../net.js";
import { ConfigMapSchema, LxdNameSchema, RemoteEndpointSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const NETWORK_TYPE = "drydock:lxd:Network";

export const NetworkArgsSchema = z.object({
  /** The LXD server: an lxd.Remote, or its endpoint. */
  remote: RemoteEndpointSchema,
  /** The bridge's name in LXD (≤ 15 characters, a Linux interface name). @default the resource name */
  name: LxdNameSchema.max(15, "a bridge name is an interface name: at most 15 characters"),
  /** The bridge's own address and prefix, such as "10.201.0.1/24". Required. */
  ipv4: z.string().superRefine((s, ctx) => {
    const p = gatewayCidrProblem(s);
    if (p) ctx.addIssue({ code: "custom", message: `ipv4 ${p}` });
  }),
  /** Masquerade traffic leaving the bridge. @default false */
  nat: z.boolean().default(false),
  /** Hand out addresses by DHCP. @default true */
  dhcp: z.boolean().default(true),
  /** More bridge options (https://documentation.ubuntu.com/lxd/en/latest/reference/network_bridge/). */
  config: ConfigMapSchema.default({}),
}).strict();

export type NetworkInputs = z.infer<typeof NetworkArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface NetworkArgs extends Override<ArgsOf<z.input<typeof NetworkArgsSchema>, "name">, { remote: RemoteLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Network extends OutputsOf<NetworkInputs> {}

export class Network extends CustomResource {
  constructor(name: string, args: NetworkArgs, opts?: ResourceOptions) {
    super(NETWORK_TYPE, name, { ...args, name: args.name ?? name, remote: toEndpoint(args.remote) }, opts, outputNames(NetworkArgsSchema));
  }
}
