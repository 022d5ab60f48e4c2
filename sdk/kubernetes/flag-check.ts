/**
 * Checks component flags against the chosen Kubernetes version's own flag list (generated from
 * the release's binaries, flags/<minor>.ts): an unknown flag is refused naming the closest valid
 * one, and a value that could not travel safely on a systemd ExecStart line is refused too.
 */
import { FLAGS as V1_37 } from "./flags/v1.37/index.js";
import { closest } from "./config-check.js";

const BY_MINOR: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = { "v1.37": V1_37 };

export interface FlagProblem {
  readonly flag: string;
  readonly message: string;
}

// Letters, digits and the punctuation flag values use; no spaces, quotes, `$`, `%` or `\` (systemd would expand or split them).
const SAFE_VALUE = /^[A-Za-z0-9@+=:,./_*-]*$/;

/** Problems of `flags` (name without dashes → value) for `component` of `version`; [] when valid. */
export function checkFlags(component: string, version: string, flags: Record<string, string>): FlagProblem[] {
  const minor = version.split(".").slice(0, 2).join(".");
  const known = BY_MINOR[minor]?.[component];
  if (!known) return [{ flag: "", message: `drydock has no ${component} flag list for Kubernetes ${minor} (it has ${Object.keys(BY_MINOR).join(", ")})` }];
  const out: FlagProblem[] = [];
  for (const [name, value] of Object.entries(flags)) {
    const bare = name.replace(/^--?/, "").replace(/_/g, "-");
    if (bare !== name) { out.push({ flag: name, message: `give the flag's name without dashes: "${bare}"` }); continue; }
    if (!known.includes(bare)) {
      const near = closest(bare, [...known]);
      out.push({ flag: name, message: `${component} ${minor} has no flag --${bare}${near ? ` (did you mean --${near}?)` : ""}` });
      continue;
    }
    if (typeof value !== "string" || !SAFE_VALUE.test(value)) out.push({ flag: name, message: `--${bare}=${JSON.stringify(value)}: a value may hold letters, digits and @+=:,./_*- only` });
  }
  return out;
}
