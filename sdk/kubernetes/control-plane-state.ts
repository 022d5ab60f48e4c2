/**
 * kubernetes.ControlPlaneState: on one control-plane host, before anything runs there, checks
 * that no control plane drydock did not make is there (kubeadm's static pods, another
 * kube-apiserver on 6443), then owns what its components write themselves (the audit log).
 * Deleted after the host's files and services, it removes that and the folders left empty.
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input } from "../output.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { NodeNameSchema } from "./parts.js";

export const CONTROL_PLANE_STATE_TYPE = "drydock:kubernetes:ControlPlaneState";

/** Folders the control plane's components fill themselves: all of it is drydock's, and delete removes it. */
export const CONTROL_PLANE_STATE_DIRS = ["/var/log/kubernetes"] as const;

export const ControlPlaneStateArgsSchema = z.object({
  connection: ConnectionSchema,
  /** The host's name in the cluster. */
  host: NodeNameSchema,
}).strict();
export type ControlPlaneStateInputs = z.infer<typeof ControlPlaneStateArgsSchema>;

export class ControlPlaneState extends CustomResource {
  constructor(name: string, args: { readonly connection: Input<z.input<typeof ConnectionSchema>>; readonly host: Input<string> }, opts?: ResourceOptions) {
    super(CONTROL_PLANE_STATE_TYPE, name, { ...args }, opts, []);
  }
}
