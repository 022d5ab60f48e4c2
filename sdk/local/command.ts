/** local.Command: shell commands run on create, update and delete. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf } from "../args.js";

export const COMMAND_TYPE = "drydock:local:Command";

export const CommandArgsSchema = z.object({
  /** Run by `/bin/sh -c` when the resource is created. */
  create: z.string().min(1, "create must not be empty"),
  /** Run when an input changes. @default the create command */
  update: z.string().min(1).optional(),
  /** Run when the resource is deleted. @default nothing */
  delete: z.string().min(1).optional(),
  /** Extra environment variables, on top of drydock's own. */
  environment: z.record(z.string(), z.string()).default({}),
  /** Any change to these values replaces the resource: the new one is created, then the old one deleted (unless deleteBeforeReplace). */
  triggers: z.array(z.unknown()).default([]),
  /** Working directory. @default the project folder */
  dir: z.string().min(1).optional(),
}).strict();

export type CommandInputs = z.infer<typeof CommandArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface CommandArgs extends ArgsOf<z.input<typeof CommandArgsSchema>> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Command extends OutputsOf<CommandInputs> {}

/** Runs local commands; its outputs are the create (or update) command's stdout and stderr. */
export class Command extends CustomResource {
  /** The create (or last update) command's standard output. */
  declare readonly stdout: Output<string>;
  /** The create (or last update) command's standard error. */
  declare readonly stderr: Output<string>;

  constructor(name: string, args: CommandArgs, opts?: ResourceOptions) {
    super(COMMAND_TYPE, name, { ...args }, opts, outputNames(CommandArgsSchema, ["stdout", "stderr"]));
  }
}
