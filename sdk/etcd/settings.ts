/** etcd's tuning settings, as an etcd.Cluster takes them. */
import { z } from "zod";

export const SettingsSchema = z.object({
  /** Milliseconds. @default 100 */
  heartbeatInterval: z.number().int().min(10).default(100),
  /** Milliseconds; at least 5× the heartbeat. @default 1000 */
  electionTimeout: z.number().int().min(50).default(1000),
  /** @default 10000 */
  snapshotCount: z.number().int().min(1).default(10000),
  /** Bytes; 0 means etcd's default (2 GiB). @default 0 */
  quotaBackendBytes: z.number().int().min(0).default(0),
  /** Hours of history kept, e.g. "1" (periodic auto-compaction). @default "0" (off) */
  autoCompactionRetention: z.string().regex(/^\d+$/, "must be a whole number of hours").default("0"),
}).strict().refine((s) => s.electionTimeout >= 5 * s.heartbeatInterval, { message: "electionTimeout must be at least 5× heartbeatInterval", path: ["electionTimeout"] });
export type Settings = z.infer<typeof SettingsSchema>;
