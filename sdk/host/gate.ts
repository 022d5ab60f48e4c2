/**
 * host.HealthGate: waits until a check passes, or fails after `timeout` with
 * the last error and, when it names a service, that service's journal tail.
 * It waits when it is created and whenever `triggers` change (put what it
 * guards there: a service's `invocationId`), so a run that restarts nothing
 * waits for nothing. It leaves nothing on a host.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ConnectionSchema, type Connection } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { SecondsSchema } from "./common.js";

export const GATE_TYPE = "drydock:host:HealthGate";

const PortSchema = z.number().int().min(1).max(65535);

/** A command run by /bin/sh on a host: exit 0 means ready; its stderr (or stdout) is the last error. */
export const CommandCheckSchema = z.object({
  kind: z.literal("command"),
  connection: ConnectionSchema,
  command: z.string().min(1, "command must not be empty"),
  /** @default true */
  sudo: z.boolean().default(true),
}).strict();

/** An HTTPS GET from where drydock runs, verifying the server against `caPem`; a client certificate when given. */
export const HttpsCheckSchema = z.object({
  kind: z.literal("https"),
  url: z.string().regex(/^https:\/\/\S+$/, 'must start with "https://"'),
  caPem: z.string().includes("BEGIN CERTIFICATE", { message: "caPem must be a PEM certificate" }),
  certPem: z.string().includes("BEGIN CERTIFICATE", { message: "certPem must be a PEM certificate" }).optional(),
  keyPem: z.string().includes("PRIVATE KEY", { message: "keyPem must be a PEM private key" }).optional(),
  /** @default 200 */
  status: z.number().int().min(100).max(599).default(200),
  /** A regular expression the body must match. @default anything */
  body: z.string().optional(),
}).strict().refine((c) => (c.certPem === undefined) === (c.keyPem === undefined), { message: "certPem and keyPem go together", path: ["keyPem"] });

/** A TCP connect from where drydock runs. */
export const TcpCheckSchema = z.object({
  kind: z.literal("tcp"),
  host: z.string().min(1, "host must not be empty"),
  port: PortSchema,
}).strict();

export const CheckSchema = z.discriminatedUnion("kind", [CommandCheckSchema, HttpsCheckSchema, TcpCheckSchema]);
export type Check = z.infer<typeof CheckSchema>;

export const GateArgsSchema = z.object({
  /** What it waits for, in words: "etcd member etcd-1 healthy". */
  description: z.string().min(1, "description must not be empty"),
  check: CheckSchema,
  /** Seconds before it gives up. @default 60 */
  timeout: SecondsSchema.default(60),
  /** Seconds between tries. @default 0.5 */
  interval: z.number().min(0.05).max(60).default(0.5),
  /** A service whose journal tail a failure shows. */
  journal: z.object({ connection: ConnectionSchema, unit: z.string().min(1) }).strict().optional(),
  /** Values whose change makes it wait again (a service's `invocationId`). Only their digest is kept. @default [] */
  triggers: z.array(z.unknown()).default([]),
}).strict();

export type GateInputs = Omit<z.infer<typeof GateArgsSchema>, "triggers"> & { readonly triggers: string };

type CheckArgs =
  | { readonly kind: "command"; readonly connection: ConnectionLike; readonly command: Input<string>; readonly sudo?: Input<boolean> }
  | { readonly kind: "https"; readonly url: Input<string>; readonly caPem: Input<string>; readonly certPem?: Input<string>; readonly keyPem?: Input<string>; readonly status?: Input<number>; readonly body?: Input<string> }
  | { readonly kind: "tcp"; readonly host: Input<string>; readonly port: Input<number> };

export interface GateArgs {
  readonly description: Input<string>;
  readonly check: CheckArgs;
  /** @default 60 */
  readonly timeout?: Input<number>;
  /** @default 0.5 */
  readonly interval?: Input<number>;
  readonly journal?: { readonly connection: ConnectionLike; readonly unit: Input<string> };
  /** @default [] */
  readonly triggers?: Input<readonly unknown[]>;
}

export class HealthGate extends CustomResource {
  /** When the check last passed (ISO time). */
  declare readonly passedAt: Output<string>;

  constructor(name: string, args: GateArgs, opts?: ResourceOptions) {
    const check = "connection" in args.check ? { ...args.check, connection: toConnection(args.check.connection) as Input<Connection> } : args.check;
    const journal = args.journal ? { ...args.journal, connection: toConnection(args.journal.connection) } : undefined;
    super(GATE_TYPE, name, { ...args, check, ...(journal ? { journal } : {}) }, opts, ["passedAt"]);
  }
}
