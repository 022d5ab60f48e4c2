/** The one reader of templates/: `{{ name }}` placeholders, each of which must be given. */
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

const cache = new Map<string, string>();

/** Renders templates/<name>; a placeholder without a value is an error, not an empty string. */
export function renderTemplate(name: string, values: Readonly<Record<string, string | number>>): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(templatesRoot(), name), "utf8");
    cache.set(name, text);
  }
  return text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g, (_m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`template ${name}: no value for {{ ${key} }}`);
    return String(v);
  });
}
