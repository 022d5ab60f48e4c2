/**
 * host.Files: a set of files drydock owns on one machine. Each file's content
 * is given (text, secret or not), rendered from a template, or an artifact
 * (a sha256-pinned binary or an archive's member). A manifest on the host
 * records what the set owns: a path another set or nobody owns is refused
 * before anything is written, and delete removes exactly what is listed.
 * Files are written as root (through sudo when the login user is not root).
 */
import { z } from "zod";
import { CustomResource, type ResourceOptions } from "../resource.js";
import type { Input, Output } from "../output.js";
import { ArtifactSchema, type Artifact } from "../artifact.js";
import { ConnectionSchema } from "../ssh/connection.js";
import { toConnection, type ConnectionLike } from "../ssh/target.js";
import { HostPathSchema, OwnerSchema, TemplateRefSchema, type TemplateRef } from "./common.js";

export const FILES_TYPE = "drydock:host:Files";

const ModeSchema = z.string().regex(/^0?[0-7]{3}$/, 'must be octal permission bits such as "0644"').transform((m) => m.padStart(4, "0"));

export const FileEntrySchema = z.object({
  /** Absolute path on the host. */
  path: HostPathSchema,
  /** The file's text. */
  content: z.string().optional(),
  /** Rendered from templates/ by the installer. */
  template: TemplateRefSchema.optional(),
  /** A sha256-pinned download (or archive member), checked before it is uploaded. */
  artifact: ArtifactSchema.optional(),
  /** Octal permission bits. @default "0755" for an artifact, "0600" for secret content, else "0644" */
  mode: ModeSchema.optional(),
  /** `user` or `user:group`. @default "root:root" */
  owner: OwnerSchema.default("root:root"),
}).strict().superRefine((f, ctx) => {
  const given = (["content", "template", "artifact"] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1) ctx.addIssue({ code: "custom", path: ["content"], message: `give exactly one of content, template or artifact (got ${given.length ? given.join(", ") : "none"})` });
});

export const FilesArgsSchema = z.object({
  connection: ConnectionSchema,
  files: z.array(FileEntrySchema).min(1, "files must list at least one file"),
  /**
   * Take over files already at these paths that no drydock set owns (their
   * content is replaced, and delete removes them). @default false: refused
   */
  adopt: z.boolean().default(false),
}).strict().superRefine((v, ctx) => {
  const seen = new Map<string, number>();
  v.files.forEach((f, k) => {
    const j = seen.get(f.path);
    if (j !== undefined) ctx.addIssue({ code: "custom", path: ["files", k, "path"], message: `${f.path} is also files[${j}]'s path` });
    else seen.set(f.path, k);
  });
});

export type FilesArgsInputs = z.infer<typeof FilesArgsSchema>;

/** One file as the set stores it: its content rendered, its mode decided. */
export interface OwnedFile {
  readonly path: string;
  readonly mode: string;
  readonly owner: string;
  /** Text (given, or the template rendered). */
  readonly content?: string;
  /** The template it was rendered from, for the plan. */
  readonly template?: string;
  readonly artifact?: Artifact;
}

/** The inputs as the provider keeps them. */
export interface FilesInputs {
  readonly connection: z.infer<typeof ConnectionSchema>;
  readonly files: readonly OwnedFile[];
  readonly adopt: boolean;
  /** The manifest's name on the host (kept across renames). */
  readonly set: string;
}

export interface FileEntryArgs {
  readonly path: Input<string>;
  readonly content?: Input<string>;
  readonly template?: Input<{ readonly name: Input<string>; readonly values?: Input<Record<string, Input<string | number | boolean>>> }>;
  readonly artifact?: Input<Artifact>;
  /** @default "0755" for an artifact, "0600" for secret content, else "0644" */
  readonly mode?: Input<string>;
  /** @default "root:root" */
  readonly owner?: Input<string>;
}

export interface FilesArgs {
  /** The machine: an `ssh.Host`, an `lxd.Instance`, or a connection. */
  readonly connection: ConnectionLike;
  readonly files: Input<readonly Input<FileEntryArgs>[]>;
  /** Take over files no drydock set owns at these paths. @default false */
  readonly adopt?: Input<boolean>;
}

/** Per path: the sha256 of what is on the host, its mode and owner. */
export interface FileState {
  readonly sha256: string;
  readonly mode: string;
  readonly owner: string;
}

export class Files extends CustomResource {
  /** Per path, what is on the host. */
  declare readonly state: Output<Record<string, FileState>>;
  /** One sha256 over every file's path, content, mode and owner: changes when any file does (a service's `restartOn`). */
  declare readonly digest: Output<string>;
  declare readonly paths: Output<string[]>;
  /** Per path, the sha256 of the bytes written (a service's `restartOn` can pick the files it reads). */
  declare readonly written: Output<Record<string, string>>;

  constructor(name: string, args: FilesArgs, opts?: ResourceOptions) {
    super(FILES_TYPE, name, { ...args, connection: toConnection(args.connection) }, opts, ["state", "digest", "paths", "written", "set"]);
  }
}

export type { TemplateRef };
