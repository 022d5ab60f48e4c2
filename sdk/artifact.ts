/** A downloadable file pinned by its sha256: fetched once into a local cache, checked, then uploaded. */
import { z } from "zod";

// A name inside the archive that cannot climb out of it: "a/b", never "/a", "a//b", "./a" or "../a".
const safeMemberPath = (p: string): boolean => p !== "" && !p.includes("\0") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");

export const ArtifactSchema = z.object({
  /** What it is, for messages and the cache: "etcd". */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, "name must be letters, digits, dots, dashes or underscores"),
  version: z.string().min(1, "version must not be empty"),
  /** https://… or file:///… (an absolute local path). */
  url: z.string().regex(/^(https:\/\/[^\s]+|file:\/\/\/[^\s]*)$/, 'url must start with "https://" or "file:///"'),
  /** Of the file at `url` (the archive, when `path` is set), lowercase hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex digits"),
  /**
   * When `url` is a .tar.gz: the member to use, such as "etcd-v3.5.17-linux-amd64/etcd". It must be
   * a regular file; its name is relative to the archive's root, with no empty, `.` or `..` segment.
   */
  path: z.string().refine(safeMemberPath, "path must be relative to the archive's root, with no empty, \".\" or \"..\" segment").optional(),
  /** PEM of the CA that signs an https `url`'s server (a mirror's). @default the system's trusted CAs */
  caPem: z.string().includes("BEGIN CERTIFICATE", { message: "caPem must be a PEM certificate" }).optional(),
}).strict();

export type Artifact = z.infer<typeof ArtifactSchema>;
