/** What every command needs: the project, the stack, the backend and the passphrase. */
import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DrydockError } from "../engine/errors.js";
import { checkStackName, loadProject, type Project } from "../engine/project.js";
import { FileBackend, backendRoot } from "../engine/state/backend.js";

export interface GlobalOptions {
  readonly cwd?: string;
  readonly stack?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly passphraseFile?: string;
}

export interface Context {
  readonly project: Project;
  readonly backend: FileBackend;
  readonly opts: GlobalOptions;
}

export async function openProject(opts: GlobalOptions): Promise<Context> {
  const project = await loadProject(resolve(opts.cwd ?? "."));
  // Programs and local resources see the project folder as their working directory.
  process.chdir(project.dir);
  return { project, backend: new FileBackend(backendRoot(project.dir), project.name), opts };
}

function workspaceFile(project: Project): string {
  return join(project.dir, ".drydock", "workspace.json");
}

export async function selectStack(project: Project, stack: string): Promise<void> {
  await mkdir(join(project.dir, ".drydock"), { recursive: true, mode: 0o700 });
  await writeFile(workspaceFile(project), `${JSON.stringify({ stack })}\n`);
}

export async function selectedStack(project: Project): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(workspaceFile(project), "utf8")) as { stack?: string }).stack;
  } catch {
    return undefined;
  }
}

/** The stack to act on: --stack, else the selected one, else the only one. It must exist. */
export async function resolveStack(ctx: Context): Promise<string> {
  let stack = ctx.opts.stack ?? (await selectedStack(ctx.project));
  if (!stack) {
    const all = await ctx.backend.list();
    if (all.length === 1) stack = all[0]!;
    else {
      throw new DrydockError(
        "input",
        all.length === 0
          ? "no stack yet: create one with `drydock stack init <name>`"
          : `no stack selected (stacks: ${all.join(", ")}): pass --stack or run \`drydock stack select <name>\``,
      );
    }
  }
  checkStackName(stack);
  if (!(await ctx.backend.exists(stack))) await ctx.backend.readText(stack); // throws "does not exist" with the list
  return stack;
}

/** DRYDOCK_PASSPHRASE, or the first line of --passphrase-file. */
export function passphrase(opts: GlobalOptions): string | undefined {
  if (opts.passphraseFile) {
    try {
      return readFileSync(resolve(opts.passphraseFile), "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      throw new DrydockError("input", `--passphrase-file ${opts.passphraseFile}: ${(e as Error).message}`);
    }
  }
  return process.env.DRYDOCK_PASSPHRASE;
}
