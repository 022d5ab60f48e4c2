/** local.File: a file on the machine running drydock. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf } from "../args.js";
import { FileModeSchema } from "../file-mode.js";

export const FILE_TYPE = "drydock:local:File";

export const FileArgsSchema = z.object({
  /** Absolute, or relative to the project folder. */
  path: z.string().min(1, "path must not be empty"),
  /** The file's text; a secret (a key, a `config.requireSecret`) stays encrypted in state. */
  content: z.string(),
  /** Octal permission bits. @default "0600" when `content` is secret (a key, a `config.requireSecret`), else "0644" */
  mode: FileModeSchema,
}).strict();

export type FileInputs = z.infer<typeof FileArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface FileArgs extends ArgsOf<z.input<typeof FileArgsSchema>> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface File extends OutputsOf<FileInputs> {}

/** Writes `content` to `path` atomically; an edit made outside drydock is drift that `refresh` sees. */
export class File extends CustomResource {
  /** The absolute path. */
  declare readonly path: Output<string>;
  /** sha256 of the content, hex. */
  declare readonly sha256: Output<string>;

  constructor(name: string, args: FileArgs, opts?: ResourceOptions) {
    super(FILE_TYPE, name, { ...args }, opts, outputNames(FileArgsSchema, ["sha256"]));
  }
}
