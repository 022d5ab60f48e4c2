/** Stack configuration from `drydock.<stack>.yaml`, keys written `namespace:key`. */
import type { z } from "zod";
import { Output } from "./output.js";
import { formatIssues } from "./validation.js";
import { requireRuntime, type ConfigValue } from "./runtime.js";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export class Config {
  /** The namespace: the project's name unless given. */
  readonly name: string;

  constructor(name?: string) {
    this.name = name ?? requireRuntime("new Config()").settings.project;
  }

  private fullKey(key: string): string {
    return key.includes(":") ? key : `${this.name}:${key}`;
  }

  private raw(key: string): ConfigValue | undefined {
    return requireRuntime("Config").settings.config[this.fullKey(key)];
  }

  private plain(key: string): unknown {
    const v = this.raw(key);
    if (v?.secret) {
      throw new ConfigError(`config "${this.fullKey(key)}" is a secret: read it with getSecret() or requireSecret()`);
    }
    return v?.value;
  }

  private missing(key: string, secret = false): ConfigError {
    const k = this.fullKey(key);
    const short = k.startsWith(`${requireRuntime("Config").settings.project}:`) ? k.split(":").slice(1).join(":") : k;
    return new ConfigError(
      // A secret is asked for (or piped), never put on the command line.
      `missing required config "${k}": set it with \`drydock config set ${short} ${secret ? "--secret" : "<value>"}\``,
    );
  }

  get(key: string): string | undefined {
    const v = this.plain(key);
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  }

  require(key: string): string {
    const v = this.get(key);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  getNumber(key: string): number | undefined {
    const v = this.plain(key);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : Number(v);
    if (typeof v === "boolean" || (typeof v === "string" && v.trim() === "") || !Number.isFinite(n)) {
      throw new ConfigError(`config "${this.fullKey(key)}" must be a number (got ${JSON.stringify(v)})`);
    }
    return n;
  }

  requireNumber(key: string): number {
    const v = this.getNumber(key);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  getBoolean(key: string): boolean | undefined {
    const v = this.plain(key);
    if (v === undefined) return undefined;
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    throw new ConfigError(`config "${this.fullKey(key)}" must be true or false (got ${JSON.stringify(v)})`);
  }

  requireBoolean(key: string): boolean {
    const v = this.getBoolean(key);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  /** A structured value, checked against a zod schema if given. */
  getObject<T = unknown>(key: string, schema?: z.ZodType<T>): T | undefined {
    const v = this.plain(key);
    if (v === undefined) return undefined;
    return this.parse(key, typeof v === "string" ? safeJson(v) : v, schema);
  }

  requireObject<T = unknown>(key: string, schema?: z.ZodType<T>): T {
    const v = this.getObject(key, schema);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  /** A secret value as a secret Output (it stays `[secret]` everywhere). */
  getSecret(key: string): Output<string> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const s = typeof v.value === "string" ? v.value : JSON.stringify(v.value);
    return Output.known(s, true);
  }

  requireSecret(key: string): Output<string> {
    const v = this.getSecret(key);
    if (v === undefined) throw this.missing(key, true);
    return v;
  }

  private parse<T>(key: string, v: unknown, schema?: z.ZodType<T>): T {
    if (!schema) return v as T;
    const r = schema.safeParse(v);
    if (!r.success) {
      throw new ConfigError(`config "${this.fullKey(key)}" is invalid:\n${formatIssues(r.error.issues, this.fullKey(key), v)}`);
    }
    return r.data;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
