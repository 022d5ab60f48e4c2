/** The mode of a file drydock writes (local.File, ssh.File): given, or private when its content is secret. */
import { z } from "zod";
import type { CheckContext, CheckResult } from "./provider.js";

/** Readable by everyone: the mode of a file whose content is not secret. */
export const PUBLIC_FILE_MODE = "0644";
/** Owner only: the mode of a file whose content is secret (a key, a token). */
export const SECRET_FILE_MODE = "0600";

/** Octal permission bits, three or four digits, stored as four. */
export const FileModeSchema = z.string()
  .regex(/^0?[0-7]{3}$/, 'mode must be octal permission bits such as "0644"')
  .default(PUBLIC_FILE_MODE)
  .transform((m) => m.padStart(4, "0"));

/**
 * A key or token must not land world-readable because its author forgot
 * `mode`: without one, secret `content` gets 0600. An explicit mode wins.
 */
export function withFileMode<T extends { mode: string }>(r: CheckResult<T>, news: Record<string, unknown>, ctx?: CheckContext): CheckResult<T> {
  if (!r.inputs || news.mode !== undefined || !ctx?.secretInputs?.includes("content")) return r;
  return { ...r, inputs: { ...r.inputs, mode: SECRET_FILE_MODE } };
}
