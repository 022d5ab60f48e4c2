/** Resource options are checked like args: every problem with its path, before anything runs. */
import { z } from "zod";
import { formatProblems, zodProblems } from "./validation.js";

const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'must be a duration such as "90s", "5m" or "1h30m"');
const paths = z.array(z.string().min(1));

const OptionsSchema = z.object({
  dependsOn: z.unknown().optional(),
  updatesAfter: z.unknown().optional(),
  parent: z.unknown().optional(),
  protect: z.boolean().optional(),
  ignoreChanges: paths.optional(),
  replaceOnChanges: paths.optional(),
  deleteBeforeReplace: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
  customTimeouts: z.object({ create: duration.optional(), update: duration.optional(), delete: duration.optional() }).strict().optional(),
  aliases: z.array(z.union([
    z.string().startsWith("urn:drydock:", "must be a URN or an alias object"),
    z.object({ name: z.string().optional(), type: z.string().optional(), parent: z.unknown().optional(), stack: z.string().optional(), project: z.string().optional() }).strict(),
  ])).optional(),
  additionalSecretOutputs: paths.optional(),
}).strict();

export function checkOptions(type: string, name: string, opts: unknown): void {
  const r = OptionsSchema.safeParse(opts);
  if (!r.success) {
    throw new Error(`${type} "${name}" has invalid resource options:\n${formatProblems(zodProblems(r.error.issues, opts), "opts")}`);
  }
}
