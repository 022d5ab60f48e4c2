/**
 * host.Service: a systemd service whose unit drydock writes (from a template
 * or text), enables and starts. It restarts only when its unit or something
 * it declares in `restartOn` really changed; a run that changes nothing
 * leaves it running as it was. Delete stops, disables and removes it.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { SecondsSchema, TemplateRefSchema } from "./common.js";

export const SERVICE_TYPE = "drydock:host:Service";

export const ServiceArgsSchema = z.object({
  connection: ConnectionSchema,
  /** The unit's name without `.service`: "etcd" is /etc/systemd/system/etcd.service. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9:_.@-]*$/, "must be a systemd unit name without .service, such as \"etcd\"")
    .refine((n) => !n.endsWith(".service"), "must not end with .service (it is added)"),
  /** The unit file: its text, or a template under templates/. */
  unit: z.union([z.string().min(1, "unit must not be empty"), TemplateRefSchema]),
  /**
   * Values whose change restarts the service: a host.Files' `digest`, a
   * certificate's `serialNumber`, a setting. Only their digest is kept.
   * @default []
   */
  restartOn: z.array(z.unknown()).default([]),
  /**
   * Wait for systemd to report the service started (for `Type=notify`,
   * ready). Set false for a service that cannot be ready alone, such as an
   * etcd member waiting for its peers; a health gate then says when it is.
   * @default true
   */
  waitStarted: z.boolean().default(true),
  /** Seconds a start or restart may take. @default 90 */
  timeout: SecondsSchema.default(90),
}).strict();

export type ServiceArgsInputs = z.infer<typeof ServiceArgsSchema>;

/** What the provider keeps: the unit rendered, the restart triggers as a digest. */
export interface ServiceInputs {
  readonly connection: z.infer<typeof ConnectionSchema>;
  readonly name: string;
  readonly unit: string;
  /** The template the unit came from, for the plan. */
  readonly template?: string;
  readonly restartOn: string;
  readonly waitStarted: boolean;
  readonly timeout: number;
  readonly set: string;
}

export interface ServiceArgs {
  readonly connection: ConnectionLike;
  readonly name: Input<string>;
  readonly unit: Input<string | { readonly name: Input<string>; readonly values?: Input<Record<string, Input<string | number | boolean>>> }>;
  /** Values whose change restarts the service. @default [] */
  readonly restartOn?: Input<readonly unknown[]>;
  /** @default true */
  readonly waitStarted?: Input<boolean>;
  /** @default 90 */
  readonly timeout?: Input<number>;
}

export class Service extends CustomResource {
  /** systemd's id of the current run of the service: it changes on every start and restart, and only then. */
  declare readonly invocationId: Output<string>;
  /** `active`, `activating`, `failed`, … as systemd last said. */
  declare readonly activeState: Output<string>;
  declare readonly unitPath: Output<string>;

  constructor(name: string, args: ServiceArgs, opts?: ResourceOptions) {
    super(SERVICE_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, ["invocationId", "activeState", "unitPath", "set"]);
  }
}
