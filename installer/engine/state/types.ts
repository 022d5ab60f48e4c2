/** What a stack's checkpoint holds. In memory, secrets are `Secret` wrappers. */
import type { PropertyMap } from "../../../sdk/internal.js";

export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly id?: string | undefined;
  readonly parent?: string | undefined;
  readonly inputs: PropertyMap;
  readonly outputs: PropertyMap;
  /** URNs this resource depends on (inputs and dependsOn). */
  readonly dependencies: readonly string[];
  readonly protect?: boolean | undefined;
  readonly retainOnDelete?: boolean | undefined;
  /** The old half of a create-before-delete replacement, still to be deleted. */
  readonly pendingDelete?: boolean | undefined;
  readonly additionalSecretOutputs?: readonly string[] | undefined;
  /** customTimeouts.delete in ms: a delete may happen after the resource left the program. */
  readonly deleteTimeout?: number | undefined;
  /**
   * Set when the last create or update failed part-way (the provider threw a
   * PartialResultError): the next run updates the resource to finish it.
   */
  readonly initErrors?: readonly string[] | undefined;
}

export interface PendingOperation {
  readonly op: "create" | "update" | "delete";
  readonly urn: string;
  readonly type: string;
  /** Known for updates and deletes, and for creates whose provider can tell it up front. */
  readonly id?: string | undefined;
  readonly inputs: PropertyMap;
  readonly additionalSecretOutputs?: readonly string[] | undefined;
  /** For a create: its parent and what it depends on, so an adopted create keeps them. */
  readonly parent?: string | undefined;
  readonly dependencies?: readonly string[] | undefined;
}

export interface Checkpoint {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly ResourceState[];
  readonly outputs: PropertyMap;
  readonly pending: readonly PendingOperation[];
}

export function emptyCheckpoint(project: string, stack: string): Checkpoint {
  return { project, stack, resources: [], outputs: {}, pending: [] };
}
