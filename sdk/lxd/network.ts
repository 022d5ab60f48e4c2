/** lxd.Network: a bridge with an explicit IPv4 subnet (never LXD's automatic subnet discovery). */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { gatewayCidrProblem } from "./cidr.js";
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

export class Network extends CustomResource {
  declare readonly name: Output<string>;
  declare readonly ipv4: Output<string>;
  /** Whether traffic leaving the bridge is masqueraded. */
  declare readonly nat: Output<boolean>;
  /** Whether the bridge hands out addresses by DHCP. */
  declare readonly dhcp: Output<boolean>;
  /** The bridge options drydock manages besides `ipv4`, `nat` and `dhcp`. */
  declare readonly config: Output<Record<string, string>>;

  constructor(name: string, args: NetworkArgs, opts?: ResourceOptions) {
    super(NETWORK_TYPE, name, { ...args, name: args.name ?? name, remote: toEndpoint(args.remote) }, opts, ["nat", "dhcp", "config"]);
  }
}
