/**
 * kubernetes.NodeRegistration: a node's place in the cluster's API. Creating it (and any change of
 * what it guards) waits until the node is registered and Ready; deleting it cordons the node,
 * drains it (evicting its pods, DaemonSets' excepted) and deletes the Node object, before the
 * node's own parts are stopped and cleaned. kubectl runs on a control-plane host.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import type { ArgsOf } from "../args.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { NodeNameSchema } from "./parts.js";

export const NODE_REGISTRATION_TYPE = "drydock:kubernetes:NodeRegistration";

export const NodeRegistrationArgsSchema = z.object({
  /** A control-plane host, with kubectl and the admin kubeconfig. */
  connection: ConnectionSchema,
  node: NodeNameSchema,
  /** Where a failure's journal tail comes from: the node's own host. */
  nodeConnection: ConnectionSchema,
  /** Seconds to wait for Ready, and for a drain. @default 180 */
  timeout: z.number().positive().max(3600).default(180),
  /** Values whose change makes it wait for Ready again (kubelet's invocation id). @default [] */
  triggers: z.array(z.unknown()).default([]),
}).strict();
export type NodeRegistrationInputs = z.infer<typeof NodeRegistrationArgsSchema>;

export interface NodeRegistrationArgs extends Omit<ArgsOf<z.input<typeof NodeRegistrationArgsSchema>>, "connection" | "nodeConnection" | "triggers"> {
  readonly connection: ConnectionLike;
  readonly nodeConnection: ConnectionLike;
  readonly triggers?: Input<readonly unknown[]>;
}

export class NodeRegistration extends CustomResource {
  /** When the node was last seen Ready (ISO time). */
  declare readonly readyAt: Output<string>;
  constructor(name: string, args: NodeRegistrationArgs, opts?: ResourceOptions) {
    super(NODE_REGISTRATION_TYPE, name, { ...args, connection: toConnection(args.connection), nodeConnection: toConnection(args.nodeConnection) }, opts, ["readyAt"]);
  }
}
