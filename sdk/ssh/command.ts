/** ssh.Command: shell commands run on a remote machine on create, update and delete. */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import { outputNames, type OutputsOf } from "../resource-outputs.js";
import type { Output } from "../output.js";
import type { ArgsOf, Override } from "../args.js";
import { ConnectionSchema } from "./connection.js";
import { toConnection, type ConnectionLike } from "./target.js";

export const COMMAND_TYPE = "drydock:ssh:Command";

export const CommandArgsSchema = z.object({
  /** The machine: a Connection, or anything with one (ssh.Host, lxd.Instance). */
  connection: ConnectionSchema,
  /** Run by `/bin/sh` on the host when the resource is created. */
  create: z.string().min(1, "create must not be empty"),
  /** Run when an input changes. @default the create command */
  update: z.string().min(1).optional(),
  /** Run when the resource is deleted. @default nothing */
  delete: z.string().min(1).optional(),
  /** Exported before the command; sent on stdin, never on a command line. */
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid variable name"), z.string()).default({}),
  /** Any change to these values replaces the resource. */
  triggers: z.array(z.unknown()).default([]),
  /** Run through sudo (the connection says how). @default false */
  sudo: z.boolean().default(false),
  /** Seconds before the command is abandoned. @default 600 */
  timeout: z.number().positive().default(600),
}).strict();

export type CommandInputs = z.infer<typeof CommandArgsSchema>;

/** What a program passes; fields documented on the schema. */
export interface CommandArgs extends Override<ArgsOf<z.input<typeof CommandArgsSchema>>, { connection: ConnectionLike }> {}

/** Every input, as the provider stored it (defaults applied), is an output too; documented on the schema. */
export interface Command extends OutputsOf<CommandInputs> {}

/** Outputs are the create (or update) command's stdout and stderr. A non-zero exit fails the step with the stderr tail. */
export class Command extends CustomResource {
  /** The create (or last update) command's standard output. */
  declare readonly stdout: Output<string>;
  /** The create (or last update) command's standard error. */
  declare readonly stderr: Output<string>;

  constructor(name: string, args: CommandArgs, opts?: ResourceOptions) {
    super(COMMAND_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, outputNames(CommandArgsSchema, ["stdout", "stderr"]));
  }
}
