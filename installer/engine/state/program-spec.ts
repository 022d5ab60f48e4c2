/**
 * The program spec a backup carries, read from a state file's text: the state
 * file's shape is the engine's, so the reading of it lives beside its schema.
 */

/** The program as it was last applied: each resource's type, parent, dependencies and inputs (secrets as ciphertext). */
export function programSpec(stateText: string): Buffer {
  const raw = JSON.parse(stateText) as { resources?: Record<string, unknown>[] };
  const resources = (raw.resources ?? []).map((r) => ({
    urn: r.urn, type: r.type, custom: r.custom, parent: r.parent, dependencies: r.dependencies, inputs: r.inputs,
    ...(r.protect ? { protect: true } : {}),
  }));
  return Buffer.from(`${JSON.stringify({ resources }, null, 2)}\n`);
}
