/** ssh.File: a file on a remote machine; an edit made there is drift that refresh sees (by sha256). */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ConnectionSchema } from "./connection.js";
import { toConnection, type ConnectionLike } from "./target.js";

export const FILE_TYPE = "drydock:ssh:File";

export const FileArgsSchema = z.object({
  connection: ConnectionSchema,
  /** Absolute path on the host. Any character but a control character (newline, tab, …) works, quoted exactly. */
  path: z.string()
    .regex(/^\/.*[^/]$/s, "path must be an absolute file path")
    .refine((p) => !/[\x00-\x1f\x7f]/.test(p), "path must not contain control characters (newline, tab, …)"),
  content: z.string(),
  /** Octal permission bits. @default "0644" */
  mode: z.string().regex(/^0?[0-7]{3}$/, 'mode must be octal permission bits such as "0644"').default("0644")
    .transform((m) => m.padStart(4, "0")),
  /** `user` or `user:group`. @default the login user */
  owner: z.string().regex(/^[a-z_][a-z0-9_.-]*(:[a-z_][a-z0-9_.-]*)?$/i, 'owner must be "user" or "user:group"').optional(),
  /** Write through sudo. @default false */
  sudo: z.boolean().default(false),
}).strict();

export type FileInputs = z.infer<typeof FileArgsSchema>;

export interface FileArgs {
  readonly connection: ConnectionLike;
  /** Absolute path on the host; any character but a control character (newline, tab, …). */
  readonly path: Input<string>;
  readonly content: Input<string>;
  readonly mode?: Input<string>;
  readonly owner?: Input<string>;
  readonly sudo?: Input<boolean>;
}

/** Uploaded to a temp name, checked by sha256 on the host, then renamed into place. */
export class File extends CustomResource {
  declare readonly path: Output<string>;
  /** sha256 of the content, hex. */
  declare readonly sha256: Output<string>;

  constructor(name: string, args: FileArgs, opts?: ResourceOptions) {
    super(FILE_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, ["sha256"]);
  }
}
