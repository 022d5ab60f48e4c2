/** Replaces every known secret's plaintext with [secret] in text meant for people or logs. */
import { secretStrings, type PropertyValue } from "../../sdk/internal.js";

/** Shorter values would mask ordinary words ("root", "22"); they are never printed as values either. */
export const MIN_SECRET_LENGTH = 8;
/** A cut-off secret is still a leak: any prefix this long of a secret is masked too. */
export const MIN_PREFIX_LENGTH = 16;

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Each secret's forms as they may appear in text: as is, and JSON-escaped (newlines as `\n`). */
  private readonly forms = new Set<string>();

  /** Remembers the plaintexts of all secrets in a property tree. */
  addTree(v: PropertyValue): void {
    for (const s of secretStrings(v)) this.add(s);
  }

  add(s: string): void {
    if (s.length < MIN_SECRET_LENGTH || this.secrets.has(s)) return;
    this.secrets.add(s);
    this.forms.add(s);
    this.forms.add(JSON.stringify(s).slice(1, -1));
  }

  redact(text: string): string {
    if (this.forms.size === 0) return text;
    const spans: [number, number][] = [];
    for (const f of this.forms) spans.push(...matches(text, f));
    if (spans.length === 0) return text;
    let out = "";
    let at = 0;
    for (const [start, end] of merged(spans)) {
      out += `${text.slice(at, start)}[secret]`;
      at = end;
    }
    return out + text.slice(at);
  }
}

/** Overlapping or touching spans joined, in order. */
function merged(spans: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Where `form` appears in `text`, whole or as a prefix of at least MIN_PREFIX_LENGTH characters. */
function matches(text: string, form: string): [number, number][] {
  const key = form.slice(0, MIN_PREFIX_LENGTH);
  const out: [number, number][] = [];
  for (let i = text.indexOf(key); i !== -1; i = text.indexOf(key, i + 1)) {
    let n = key.length;
    while (n < form.length && text[i + n] === form[n]) n++;
    if (n === form.length || n >= MIN_PREFIX_LENGTH) out.push([i, i + n]);
  }
  return out;
}
