/** What a backup archive holds, described by its manifest.json. */
import { z } from "zod";

export const FORMAT = "drydock-backup/1";

const FileEntry = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }).strict();

export const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  project: z.string(),
  stack: z.string(),
  createdAt: z.string(),
  drydockVersion: z.string(),
  /** Every other file in the archive, by path, with its sha256 and size. */
  files: z.record(z.string(), FileEntry),
  etcd: z.array(z.object({
    urn: z.string(),
    clusterName: z.string(),
    file: z.string(),
    members: z.array(z.string()),
    /** The member the snapshot was taken from. */
    takenFrom: z.string(),
    revision: z.string().optional(),
  }).strict()),
}).strict();

export type Manifest = z.infer<typeof ManifestSchema>;
