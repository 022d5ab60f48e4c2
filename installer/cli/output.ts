/** A line of command output on stdout. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
