/** Durations such as "90s", "5m", "1h30m". */
import { DrydockError } from "./errors.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, where: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (text.length === 0 || matched !== text.length) {
    throw new DrydockError("input", `${where}: "${text}" is not a duration (use forms like "90s", "5m", "1h30m")`);
  }
  return total;
}

/**
 * How long a provider call may take to stop after its deadline aborted it.
 * 30 s, like Kubernetes' default terminationGracePeriodSeconds: enough for a
 * provider to kill a command or remove what it half-made, bounded so one that
 * ignores its signal cannot hold the run forever. `DRYDOCK_CANCEL_GRACE`
 * ("2s", "5m") overrides it, for tests and slow hosts.
 * @default 30_000
 */
export function cancelGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.DRYDOCK_CANCEL_GRACE;
  return text === undefined ? 30_000 : parseDuration(text, "DRYDOCK_CANCEL_GRACE");
}
