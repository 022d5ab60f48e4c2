/** lxd.Image: an image already on the server (by alias), or one imported from local files. Nothing is downloaded. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { RemoteEndpointSchema, toEndpoint, type RemoteLike } from "./endpoint.js";

export const IMAGE_TYPE = "drydock:lxd:Image";

export const ImageArgsSchema = z.object({
  /** The LXD server: an lxd.Remote, or its endpoint. */
  remote: RemoteEndpointSchema,
  /** The alias to find (or, with files, to give the imported image). */
  alias: z.string().min(1).optional(),
  /** A local metadata tarball (metadata.yaml and templates). */
  metadataFile: z.string().min(1).optional(),
  /** A local rootfs tarball. */
  rootfsFile: z.string().min(1).optional(),
}).strict().superRefine((i, ctx) => {
  const files = [i.metadataFile, i.rootfsFile].filter(Boolean).length;
  if (files === 1) ctx.addIssue({ code: "custom", path: [i.metadataFile ? "rootfsFile" : "metadataFile"], message: "an import needs both metadataFile and rootfsFile" });
  if (files === 0 && !i.alias) ctx.addIssue({ code: "custom", path: ["alias"], message: "give alias (an image on the server) or metadataFile and rootfsFile (an import)" });
});

export type ImageInputs = z.infer<typeof ImageArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface ImageArgs extends Override<ArgsOf<z.input<typeof ImageArgsSchema>>, { remote: RemoteLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Image extends OutputsOf<ImageInputs> {}

/** A referenced image is never deleted by drydock; an imported one is. */
export class Image extends CustomResource {
  /** The image's fingerprint on the server; pass the Image itself as an instance's `image`. */
  declare readonly fingerprint: Output<string>;

  constructor(name: string, args: ImageArgs, opts?: ResourceOptions) {
    super(IMAGE_TYPE, name, { ...args, remote: toEndpoint(args.remote) }, opts, outputNames(ImageArgsSchema, ["fingerprint"]));
  }
}
