/**
 * A mark file under /var/lib/drydock saying which node or control-plane host a host's runtime
 * state belongs to: written by a preflight once it passed, read back by refresh ("gone" only when
 * the host answered and the mark is not there), removed with the state.
 */
import { run, shellQuote, type Transport } from "../../transport/types.js";

/** Shell: exit 0 at once (printing "ours") when `mark` already names `owner`. */
export const markedBy = (mark: string, owner: string): string =>
  `[ -f ${mark} ] && [ "$(cat ${mark})" = ${shellQuote(owner)} ] && { echo ours; exit 0; }`;

/** Shell: writes `mark` naming `owner`, atomically. */
export const writeMark = (mark: string, owner: string): string =>
  `mkdir -p /var/lib/drydock && printf '%s' ${shellQuote(owner)} > ${mark}.tmp && mv ${mark}.tmp ${mark}`;

/** Whom the mark on the host names; undefined when the host answered and there is none. */
export async function readMark(t: Transport, mark: string, what: string): Promise<string | undefined> {
  const r = await run(t, `if [ -f ${mark} ]; then printf 'mark:'; cat ${mark}; else echo '<none>'; fi`, { sudo: true, timeoutMs: 120_000, what });
  const out = r.stdout.trim();
  return out.startsWith("mark:") ? out.slice(5) : undefined;
}
