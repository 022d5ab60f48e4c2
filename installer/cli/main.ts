/** drydock's command line. Exit codes: 0 done, 1 failed, 2 bad input or usage. */
import { resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { DrydockError } from "../engine/errors.js";
import type { GlobalOptions } from "./context.js";
import type { OperationFlags } from "./commands/operations.js";

// Each command's module is loaded when that command runs: start-up pays only for what it uses.
const operations = () => import("./commands/operations.js");
const stackCommands = () => import("./commands/stack.js");
const history = () => import("./commands/history.js");
const configCommands = () => import("./commands/config.js");
const backupCommands = () => import("./commands/backup.js");

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new DrydockError("input", `--parallel must be a whole number ≥ 1 (got "${v}")`);
  return n;
};

let exitCode = 0;
const run =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    exitCode = await fn(...args);
  };

/** Global options, with paths made absolute before the CLI moves into the project folder. */
function globals(cmd: Command): GlobalOptions {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  return g.passphraseFile ? { ...g, passphraseFile: resolve(g.passphraseFile) } : g;
}

function operation(program: Command, name: "preview" | "up" | "refresh" | "destroy", description: string): Command {
  const c = program
    .command(name)
    .description(description)
    .option("--expect-no-changes", "fail (exit 1) if anything would change")
    .option("--diff", "show full property diffs")
    .option("--events <file>", "also write the JSON event stream to a file")
    .option("--parallel <n>", "how many steps may run at once (default 16)", int)
    .option("-t, --target <urn>", "only act on this resource (repeatable)", collect)
    .option("--target-dependents", "also act on resources that depend on the targets");
  if (name === "preview" || name === "up") c.option("--refresh", "refresh state from the real world first");
  return c.action(
    run(async (flags: OperationFlags, cmd: Command) =>
      (await operations()).runOperation(name, globals(cmd), flags.events ? { ...flags, events: resolve(flags.events) } : flags),
    ),
  );
}

const program = new Command("drydock")
  .description("Pulumi-style infrastructure as TypeScript: preview, up, refresh, destroy")
  .version("0.1.0")
  .option("-C, --cwd <dir>", "the project folder (default: the current one, or a parent holding drydock.yaml)")
  .option("-s, --stack <name>", "the stack to use (default: the selected one)")
  .option("-y, --yes", "do not ask for confirmation")
  .option("--json", "machine-readable output")
  .option("--passphrase-file <file>", "read the secrets passphrase from a file (else DRYDOCK_PASSPHRASE)")
  .exitOverride()
  .showHelpAfterError();

operation(program, "preview", "show what up would change, without changing anything");
operation(program, "up", "create or update the stack's resources to match the program");
operation(program, "refresh", "read every resource back and adopt drift into state");
operation(program, "destroy", "delete every resource of the stack, in reverse dependency order");

const stack = program.command("stack").description("manage stacks");
stack.command("init <name>").description("create a stack and select it").action(run(async (name: string, _o, c: Command) => (await stackCommands()).stackInit(name, globals(c))));
stack.command("ls").description("list stacks").action(run(async (_o, c: Command) => (await stackCommands()).stackLs(globals(c))));
stack.command("select <name>").description("select the stack commands use").action(run(async (name: string, _o, c: Command) => (await stackCommands()).stackSelect(name, globals(c))));
stack
  .command("rm <name>")
  .description("remove a stack (it must have no resources unless --force)")
  .option("-f, --force", "forget its resources")
  .action(run(async (name: string, o: { force?: boolean }, c: Command) => (await stackCommands()).stackRm(name, Boolean(o.force), globals(c))));
stack
  .command("output [name]")
  .description("show stack outputs")
  .option("--show-secrets", "reveal secret values")
  .action(run(async (name: string | undefined, o: { showSecrets?: boolean }, c: Command) => (await stackCommands()).stackOutput(name, Boolean(o.showSecrets), globals(c))));
stack
  .command("history")
  .description("list the checkpoints kept before each change to the stack (newest first)")
  .action(run(async (_o, c: Command) => (await history()).stackHistory(globals(c))));
stack
  .command("restore <id-or-file>")
  .description("put back a checkpoint from `stack history` (the current one is kept in history first)")
  .action(run(async (ref: string, _o, c: Command) => (await history()).stackRestore(ref, resolve(ref), globals(c))));
stack
  .command("unlock")
  .description("break a lock left by a run that is no longer running")
  .option("-f, --force", "break it even if its process may still be running")
  .action(run(async (o: { force?: boolean }, c: Command) => (await stackCommands()).stackUnlock(Boolean(o.force), globals(c))));

const config = program.command("config").description("manage stack configuration (drydock.<stack>.yaml)");
config
  .command("ls", { isDefault: true })
  .description("list config values")
  .option("--show-secrets", "reveal secret values")
  .action(run(async (o: { showSecrets?: boolean }, c: Command) => (await configCommands()).configLs(Boolean(o.showSecrets), globals(c))));
config
  .command("set <key> [value]")
  .description("set a value (read from standard input if not given)")
  .option("--secret", "encrypt the value")
  .action(run(async (key: string, value: string | undefined, o: { secret?: boolean }, c: Command) => (await configCommands()).configSet(key, value, Boolean(o.secret), globals(c))));
config
  .command("get <key>")
  .description("print a value")
  .addOption(new Option("--show-secrets", "reveal a secret value"))
  .action(run(async (key: string, o: { showSecrets?: boolean }, c: Command) => (await configCommands()).configGet(key, Boolean(o.showSecrets), globals(c))));
config.command("rm <key>").description("remove a value").action(run(async (key: string, _o, c: Command) => (await configCommands()).configRm(key, globals(c))));

const backup = program
  .command("backup")
  .description("archive the stack: etcd snapshots (over mTLS), state, config and the program spec")
  .option("--out <file>", "where to write the archive (default: drydock-backup-<project>-<stack>-<time>.tar)")
  .action(run(async (o: { out?: string }, c: Command) => (await backupCommands()).backupTake({ out: o.out === undefined ? undefined : resolve(o.out) }, globals(c))));
backup
  .command("verify <file>")
  .description("check a backup: every file's sha256 and each etcd snapshot's own hash")
  .action(run(async (file: string, _o, c: Command) => (await backupCommands()).backupVerify(resolve(file), globals(c))));

// `drydock up | head` (or `2>&1 | head`) closes the pipe early: what is left to print
// is dropped, the run goes on, and its finally blocks release the lock.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
}

// A group without a subcommand is a usage error, not success.
for (const group of [program, stack]) {
  group.action(() => {
    group.outputHelp({ error: true });
    exitCode = 2;
  });
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? 0 : 2;
  } else if (e instanceof DrydockError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify({ type: "error", kind: e.kind, message: e.message })}\n`);
    exitCode = e.exitCode;
  } else {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    exitCode = 1;
  }
}
process.exitCode = exitCode;
