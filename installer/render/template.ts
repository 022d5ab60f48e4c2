/**
 * The one reader of templates/: `{{ name }}` placeholders, each of which must
 * be given, optionally through a filter: `{{ name | systemd }}`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function templatesRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "templates")) && existsSync(join(dir, "package.json"))) return join(dir, "templates");
    const up = dirname(dir);
    if (up === dir) throw new Error("templates/ not found above the installer");
    dir = up;
  }
}

/**
 * A value inside a double-quoted word of a systemd unit (`"--data-dir={{ d | systemd }}"`):
 * `%` and `$` would be expanded, `\` and `"` end or escape the word, and a
 * control character (a newline) would start a new unit line, so it is refused.
 */
export function systemdQuoted(value: string): string {
  const bad = /\p{Cc}/u.exec(value);
  if (bad) throw new Error(`contains a control character (U+${bad[0].codePointAt(0)!.toString(16).padStart(4, "0")}), which a systemd unit cannot hold`);
  return value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, "%%").replace(/\$/g, "$$$$");
}

/** A value as a quoted string in JSON, and so in TOML (whose basic strings share JSON's escapes). */
const quoted = (value: string): string => JSON.stringify(value);

const FILTERS: Readonly<Record<string, (v: string) => string>> = { systemd: systemdQuoted, json: quoted, toml: quoted };

const cache = new Map<string, string>();

/** Renders templates/<name>; a placeholder without a value, or with an unknown filter, is an error, not an empty string. */
export function renderTemplate(name: string, values: Readonly<Record<string, string | number>>): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(templatesRoot(), name), "utf8");
    cache.set(name, text);
  }
  return text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g, (_m, key: string, filter?: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`template ${name}: no value for {{ ${key} }}`);
    if (filter === undefined) return String(v);
    const f = FILTERS[filter];
    if (!f) throw new Error(`template ${name}: unknown filter "${filter}" for {{ ${key} }}`);
    try {
      return f(String(v));
    } catch (e) {
      throw new Error(`template ${name}: ${key} ${JSON.stringify(String(v))} ${(e as Error).message}`);
    }
  });
}
