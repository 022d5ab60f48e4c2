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
 * Kills the script's whole process group once it has run `seconds`: closing
 * the channel when the caller gives up does not stop it (sshd ignores
 * signal requests or does not pass them on, and no pty means no SIGHUP).
 * sshd starts the command in a session of its own, so group 0 is the script
 * and what it started, never the login. Forked twice, so the script's `wait`
 * does not wait for it; it checks every second that the script still runs and
 * leaves as soon as it does not.
 */
export function watchdog(seconds: number): string {
  const n = Math.max(1, Math.ceil(seconds));
  return `dd_main=$$; ( ( dd_i=0; while [ "$dd_i" -lt ${n} ]; do sleep 1; kill -0 "$dd_main" 2>/dev/null || exit 0; dd_i=$((dd_i + 1)); done; kill -KILL 0 ) </dev/null >/dev/null 2>&1 & )`;
}

/**
 * The script is one `{ … }` group: the shell parses all of it before running
 * any of it, and stdin is /dev/null from the first line, so a command that
 * reads stdin cannot eat the rest of the script. With `limitSeconds` a
 * watchdog ends it on the host when the caller's timeout ends it here.
 */
export function buildInvocation(
  host: string, script: string, env: Readonly<Record<string, string>> = {}, sudo: SudoMode = "none", password?: string, limitSeconds?: number,
): Invocation {
  const limited = limitSeconds !== undefined && Number.isFinite(limitSeconds) && limitSeconds > 0;
  const lines = ["{", "exec </dev/null", ...(limited ? [watchdog(limitSeconds)] : [])];
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
