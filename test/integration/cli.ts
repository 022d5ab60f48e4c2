/** Runs the real drydock CLI on programs in temporary project folders. */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterEach } from "vitest";

export const BIN = resolve(import.meta.dirname, "../../bin/drydock.js");

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class TempProject {
  readonly dir: string;
  env: Record<string, string> = { DRYDOCK_PASSPHRASE: "correct horse battery staple" };

  constructor(name = "proj") {
    this.dir = mkdtempSync(join(tmpdir(), "drydock-test-"));
    this.file("drydock.yaml", `name: ${name}\nmain: index.ts\n`);
  }

  /** Writes a file in the project. */
  file(rel: string, content: string): this {
    writeFileSync(join(this.dir, rel), content);
    return this;
  }

  read(rel: string): string {
    return readFileSync(join(this.dir, rel), "utf8");
  }

  exists(rel: string): boolean {
    return existsSync(join(this.dir, rel));
  }

  /** The program (index.ts). */
  program(source: string): this {
    return this.file("index.ts", source);
  }

  spawn(args: readonly string[], extraEnv: Record<string, string> = {}): ResultPromise {
    return execa(process.execPath, [BIN, ...args], {
      cwd: this.dir,
      env: { ...this.env, ...extraEnv },
      reject: false,
      stdin: "ignore",
    });
  }

  async run(...args: string[]): Promise<RunResult> {
    const r = await this.spawn(args);
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Runs and fails the test with the full output if the exit code is not the expected one. */
  async ok(...args: string[]): Promise<RunResult> {
    const r = await this.run(...args);
    if (r.exitCode !== 0) throw new Error(`drydock ${args.join(" ")} exited ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  statePath(stack = "dev", project = "proj"): string {
    return join(this.dir, ".drydock", "stacks", project, `${stack}.json`);
  }

  state(stack = "dev", project = "proj"): { resources: { urn: string; type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown>; pendingDelete?: boolean }[]; pending: unknown[]; outputs: Record<string, unknown> } {
    return JSON.parse(readFileSync(this.statePath(stack, project), "utf8"));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The lines of a log file written by commands. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/**
 * A fresh project with a "dev" stack per test, removed after each test
 * (call inside a describe block).
 */
export function freshProjects(): { project(program?: string): Promise<TempProject>; track(p: TempProject): TempProject } {
  const projects: TempProject[] = [];
  afterEach(() => {
    for (const p of projects.splice(0)) p.cleanup();
  });
  const track = (p: TempProject): TempProject => {
    projects.push(p);
    return p;
  };
  return {
    track,
    async project(program?: string) {
      const p = track(new TempProject());
      await p.ok("stack", "init", "dev");
      if (program) p.program(program);
      return p;
    },
  };
}
