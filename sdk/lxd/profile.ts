/** lxd.Profile: config and devices shared by instances. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { ArgsOf, Override } from "../args.js";
import { ConfigMapSchema, LxdNameSchema, RemoteEndpointSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const PROFILE_TYPE = "drydock:lxd:Profile";

export const ProfileArgsSchema = z.object({
  /** The LXD server: an lxd.Remote, or its endpoint. */
  remote: RemoteEndpointSchema,
  /** The profile's name in LXD. @default the resource name */
  name: LxdNameSchema,
  /** https://documentation.ubuntu.com/lxd/en/latest/reference/instance_options/ */
  config: ConfigMapSchema.default({}),
  /** Device name → its options, e.g. `{ eth0: { type: "nic", network: "br0", name: "eth0" } }`. */
  devices: z.record(z.string(), ConfigMapSchema.refine((d) => typeof d.type === "string", "a device needs a type")).default({}),
}).strict();

export type ProfileInputs = z.infer<typeof ProfileArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface ProfileArgs extends Override<ArgsOf<z.input<typeof ProfileArgsSchema>, "name">, { remote: RemoteLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Profile extends OutputsOf<ProfileInputs> {}

/** Updated in place: LXD applies profile changes to the instances using it. */
export class Profile extends CustomResource {
  constructor(name: string, args: ProfileArgs, opts?: ResourceOptions) {
    super(PROFILE_TYPE, name, { ...args, name: args.name ?? name, remote: toEndpoint(args.remote) }, opts, outputNames(ProfileArgsSchema));
  }
}
