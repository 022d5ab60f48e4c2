/**
 * How a command reaches the remote shell. The command line sshd runs is
 * fixed (`sh -s`, maybe behind sudo); the script, its environment and a sudo
 * password travel on stdin, so nothing secret is ever in a process's argv.
 */
import { TransportError, shellQuote } from "../types.js";

export type SudoMode = "none" | "nopasswd" | "password";

export interface Invocation {
  /** What sshd runs. */
  readonly command: string;
  readonly stdin: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SENTINELS = "# drydock: not the password\n".repeat(5);

/**
 * The script is one `{ … }` group: the shell parses all of it before running
 * any of it, and stdin is /dev/null from the first line, so a command that
 * reads stdin cannot eat the rest of the script.
 */
export function buildInvocation(host: string, script: string, env: Readonly<Record<string, string>> = {}, sudo: SudoMode = "none", password?: string): Invocation {
  const lines = ["{", "exec </dev/null"];
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!ENV_NAME.test(k)) throw new TransportError(host, `env: "${k}" is not a valid variable name`);
    lines.push(`export ${k}=${shellQuote(v)}`);
  }
  lines.push(script, "}", "");
  const body = lines.join("\n");
  switch (sudo) {
    case "none":
      return { command: "sh -s", stdin: body };
    case "nopasswd":
      return { command: "sudo -n -- sh -s", stdin: body };
    case "password":
      if (!password) throw new TransportError(host, "sudo needs a password, but the connection has none (sudo: { password })");
      if (password.includes("\n")) throw new TransportError(host, "sudo password must not contain a newline");
      // -k: always prompt, so sudo always reads exactly the password line first. After a wrong
      // password sudo reads more lines as further tries: comment lines, so it gets those (and
      // fails) rather than the script, and so the shell skips them after a right one.
      return { command: "sudo -S -k -p '' -- sh -s", stdin: `${password}\n${SENTINELS}${body}` };
  }
}
