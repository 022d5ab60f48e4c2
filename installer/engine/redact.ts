/** Replaces every known secret's plaintext with [secret] in text meant for people or logs. */
import { secretStrings, type PropertyValue } from "../../sdk/internal.js";

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remembers the plaintexts of all secrets in a property tree. */
  addTree(v: PropertyValue): void {
    for (const s of secretStrings(v)) this.add(s);
  }

  add(s: string): void {
    // Very short values would redact ordinary words; they are still never printed as values.
    if (s.length < 3 || this.secrets.has(s)) return;
    this.secrets.add(s);
    this.pattern = undefined;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= new RegExp(
      [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
      "g",
    );
    return text.replace(this.pattern, "[secret]");
  }
}
