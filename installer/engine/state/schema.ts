/** The shape of a checkpoint file, checked on every load so a damaged file is a clear error. */
import { z } from "zod";

const props = z.record(z.string(), z.unknown());

const resource = z.looseObject({
  urn: z.string().startsWith("urn:drydock:"),
  type: z.string().min(1),
  custom: z.boolean(),
  id: z.string().optional(),
  parent: z.string().optional(),
  inputs: props,
  outputs: props,
  dependencies: z.array(z.string()),
  protect: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
  pendingDelete: z.boolean().optional(),
  additionalSecretOutputs: z.array(z.string()).optional(),
  deleteTimeout: z.number().optional(),
  initErrors: z.array(z.string()).optional(),
});

const pending = z.looseObject({
  op: z.enum(["create", "update", "delete"]),
  urn: z.string(),
  type: z.string(),
  id: z.string().optional(),
  inputs: props,
  additionalSecretOutputs: z.array(z.string()).optional(),
  parent: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
});

export const CheckpointFileSchema = z.object({
  /** 1: ciphertexts not bound to their place (read, and rewritten as 2). */
  version: z.union([z.literal(1), z.literal(2)]),
  project: z.string(),
  stack: z.string(),
  resources: z.array(resource),
  outputs: props,
  pending: z.array(pending).default([]),
});
