/** ssh.File: a file on a remote machine; an edit made there is drift that refresh sees (by sha256). */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { FileModeSchema } from "../file-mode.js";
import { ConnectionSchema } from "./connection.js";
import { toConnection, type ConnectionLike } from "./target.js";

export const FILE_TYPE = "drydock:ssh:File";

export const FileArgsSchema = z.object({
  /** The machine: an ssh.Host, an lxd.Instance, or a Connection. */
  connection: ConnectionSchema,
  /** Absolute path on the host. Any character but a control character (newline, tab, …) works, quoted exactly. */
  path: z.string()
    .regex(/^\/.*[^/]$/s, "path must be an absolute file path")
    .refine((p) => !/[\x00-\x1f\x7f]/.test(p), "path must not contain control characters (newline, tab, …)"),
  /** The file's text; a secret (a key, a `config.requireSecret`) stays encrypted in state. */
  content: z.string(),
  /** Octal permission bits. @default "0600" when `content` is secret (a key, a `config.requireSecret`), else "0644" */
  mode: FileModeSchema,
  /** `user` or `user:group`. @default the login user */
  owner: z.string().regex(/^[a-z_][a-z0-9_.-]*(:[a-z_][a-z0-9_.-]*)?$/i, 'owner must be "user" or "user:group"').optional(),
  /** Write through sudo. @default false */
  sudo: z.boolean().default(false),
}).strict();

export type FileInputs = z.infer<typeof FileArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface FileArgs extends Override<ArgsOf<z.input<typeof FileArgsSchema>>, { connection: ConnectionLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface File extends OutputsOf<FileInputs> {}

/** Uploaded to a temp name, checked by sha256 on the host, then renamed into place. */
export class File extends CustomResource {
  /** The mode it was written with (four octal digits). */
  declare readonly mode: Output<string>;
  /** sha256 of the content, hex. */
  declare readonly sha256: Output<string>;

  constructor(name: string, args: FileArgs, opts?: ResourceOptions) {
    super(FILE_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, outputNames(FileArgsSchema, ["sha256"]));
  }
}
