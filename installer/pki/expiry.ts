/** When a certificate is due for renewal, and how that reads in a plan. */
import { pki } from "../../sdk/index.js";

/** Now; tests pass another to see certificates age. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

const DAY = 86_400_000;

function inDays(ms: number): string {
  const d = Math.floor(Math.abs(ms) / DAY);
  const h = Math.floor((Math.abs(ms) % DAY) / 3_600_000);
  const span = d > 0 ? `${d} day${d === 1 ? "" : "s"}` : `${h} hour${h === 1 ? "" : "s"}`;
  return ms < 0 ? `${span} ago` : `in ${span}`;
}

/** "renewal: expires 2026-12-01 (in 9 days)" when within `renewBefore` of `notAfter`, else undefined. */
export function renewalDue(notAfter: string, renewBefore: string, now: Date): string | undefined {
  const left = Date.parse(notAfter) - now.getTime();
  if (left > pki.durationMs(renewBefore)) return undefined;
  return `renewal: ${left < 0 ? "expired" : "expires"} ${notAfter.slice(0, 10)} (${inDays(left)}, renewBefore ${renewBefore})`;
}

/** "valid until 2036-11-20 (3650 days left)". */
export function remaining(notAfter: string, now: Date): string {
  const left = Date.parse(notAfter) - now.getTime();
  return `valid until ${notAfter.slice(0, 10)} (${Math.max(0, Math.floor(left / DAY))} days left)`;
}
