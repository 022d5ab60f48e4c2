/** A project is a folder with drydock.yaml; each stack has drydock.<stack>.yaml for its config. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import YAML from "yaml";
import { formatProblems, zodProblems } from "../../sdk/internal.js";
import { DrydockError } from "./errors.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const ProjectSchema = z.object({
  name: z.string().regex(NAME, "name must be letters, digits, '_', '.' or '-'"),
  /** The program: a .ts or .js file, relative to the project folder. */
  main: z.string().min(1),
  description: z.string().optional(),
  /** Provider modules for other packages' type tokens: `{ mypkg: ./providers.ts }`. */
  providers: z.record(z.string().regex(/^[A-Za-z][\w.-]*$/), z.string().min(1)).default({}),
}).strict();

export type ProjectFile = z.infer<typeof ProjectSchema>;

export interface Project extends ProjectFile {
  readonly dir: string;
  readonly mainPath: string;
}

export function findProjectDir(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "drydock.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new DrydockError("input", `no drydock.yaml in ${resolve(start)} or any folder above it`);
    dir = up;
  }
}

/** A YAML file as a Document (which keeps comments when it is written back). */
export function parseYamlDocument(text: string, file: string): YAML.Document {
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new DrydockError("input", `${file} is not valid YAML:\n${doc.errors.map((e) => `  ✖ ${e.message}`).join("\n")}`);
  }
  return doc;
}

function parseYaml(text: string, file: string): unknown {
  return parseYamlDocument(text, file).toJS() ?? {};
}

export async function loadProject(start: string): Promise<Project> {
  const dir = findProjectDir(start);
  const file = join(dir, "drydock.yaml");
  const raw = parseYaml(await readFile(file, "utf8"), file);
  const r = ProjectSchema.safeParse(raw);
  if (!r.success) {
    throw new DrydockError("input", `${file} is invalid:\n${formatProblems(zodProblems(r.error.issues, raw))}`);
  }
  return { ...r.data, dir, mainPath: resolve(dir, r.data.main) };
}

export function checkStackName(name: string): void {
  if (!NAME.test(name)) throw new DrydockError("input", `stack name "${name}" must be letters, digits, '_', '.' or '-'`);
}

/** A stack's settings file: its encryption salt and config values. */
export interface StackSettings {
  encryptionsalt?: string;
  config: Record<string, unknown>;
}

const StackSettingsSchema = z.object({
  encryptionsalt: z.string().optional(),
  config: z.record(z.string().regex(/^[^:]+:.+$/, "config keys are written namespace:key"), z.unknown()).default({}),
}).strict();

export function stackSettingsPath(project: Project, stack: string): string {
  return join(project.dir, `drydock.${stack}.yaml`);
}

export async function loadStackSettings(project: Project, stack: string): Promise<StackSettings> {
  const file = stackSettingsPath(project, stack);
  if (!existsSync(file)) return { config: {} };
  return checkStackSettings(parseYaml(await readFile(file, "utf8"), file), file);
}

export function checkStackSettings(raw: unknown, file: string): StackSettings {
  const r = StackSettingsSchema.safeParse(raw);
  if (!r.success) throw new DrydockError("input", `${file} is invalid:\n${formatProblems(zodProblems(r.error.issues, raw))}`);
  return r.data;
}

/** `key` or `ns:key` → `ns:key`, namespace defaulting to the project. */
export function qualifyConfigKey(project: Project, key: string): string {
  const full = key.includes(":") ? key : `${project.name}:${key}`;
  if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.\-/]+$/.test(full)) {
    throw new DrydockError("input", `config key "${key}" must be key or namespace:key (letters, digits, '_', '.', '-', '/')`);
  }
  return full;
}

/** Is this stored config value an encrypted one (`{secure: …}`)? */
export function isSecureValue(v: unknown): v is { secure: string } {
  return typeof v === "object" && v !== null && typeof (v as { secure?: unknown }).secure === "string" && Object.keys(v).length === 1;
}
