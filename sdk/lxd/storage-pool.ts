/** lxd.StoragePool: https://documentation.ubuntu.com/lxd/en/latest/reference/storage_drivers/ */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { ArgsOf, Override } from "../args.js";
import { ConfigMapSchema, LxdNameSchema, RemoteEndpointSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const STORAGE_POOL_TYPE = "drydock:lxd:StoragePool";

export const StoragePoolArgsSchema = z.object({
  /** The LXD server: an lxd.Remote, or its endpoint. */
  remote: RemoteEndpointSchema,
  /** The pool's name in LXD. @default the resource name */
  name: LxdNameSchema,
  /** The storage driver (https://documentation.ubuntu.com/lxd/en/latest/reference/storage_drivers/). Changing it replaces the pool. */
  driver: z.enum(["dir", "btrfs", "lvm", "zfs", "ceph", "cephfs", "cephobject"]),
  /** Driver options (`source`, `size`, …); changing one LXD cannot change replaces the pool. */
  config: ConfigMapSchema.default({}),
}).strict();

export type StoragePoolInputs = z.infer<typeof StoragePoolArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface StoragePoolArgs extends Override<ArgsOf<z.input<typeof StoragePoolArgsSchema>, "name">, { remote: RemoteLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface StoragePool extends OutputsOf<StoragePoolInputs> {}

export class StoragePool extends CustomResource {
  constructor(name: string, args: StoragePoolArgs, opts?: ResourceOptions) {
    super(STORAGE_POOL_TYPE, name, { ...args, name: args.name ?? name, remote: toEndpoint(args.remote) }, opts, outputNames(StoragePoolArgsSchema));
  }
}
