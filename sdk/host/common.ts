/** What the host building blocks share: paths, owners, templates, and the machine they act on. */
import { z } from "zod";

/** An absolute file path without control characters (they break every line-based tool that shows it back). */
export const HostPathSchema = z.string()
  .regex(/^\/.*[^/]$/s, "must be an absolute file path")
  .refine((p) => !/[\x00-\x1f\x7f]/.test(p), "must not contain control characters (newline, tab, …)")
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), 'must not contain "." or ".." segments');

/** `user` or `user:group`. */
export const OwnerSchema = z.string().regex(/^[a-z_][a-z0-9_.-]*(:[a-z_][a-z0-9_.-]*)?$/i, 'must be "user" or "user:group"');

/** A file under templates/, such as "etcd/etcd.service"; its `{{ name }}` placeholders take `values`. */
export const TemplateRefSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9._-]*)+$/i, 'must name a file under templates/, such as "etcd/etcd.service"'),
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
}).strict();
export type TemplateRef = z.infer<typeof TemplateRefSchema>;

/** Seconds, at most a day. */
export const SecondsSchema = z.number().positive().max(86_400);
