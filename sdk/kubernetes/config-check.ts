/**
 * Checks a component config (KubeletConfiguration, …) against the fields of the chosen
 * Kubernetes version, listed from that version's own Go types (fields/<minor>.ts): an unknown
 * field is refused naming the closest valid one, and a value of the wrong shape is refused too.
 */
import { FIELDS as V1_37 } from "./fields/v1.37/index.js";

const BY_MINOR: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>> = { "v1.37": V1_37 };

export const knownConfigMinors = (): string[] => Object.keys(BY_MINOR);

export interface ConfigProblem {
  /** Dotted path inside the config, e.g. "evictionHard" or "authentication.x509.clientCAFile". */
  readonly path: string;
  readonly message: string;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** The valid name at the same level closest to `name` (or undefined when none is close). */
export function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(3, Math.floor(name.length / 3)) ? best : undefined;
}

const DURATION = /^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^0$/;

// Whether `v` has the shape of Go type `t` in YAML/JSON (structs and unlisted types: any object).
function shapeProblem(t: string, v: unknown): string | undefined {
  if (v === null || t === "RawExtension") return undefined;
  if (t === "[]uint8" || t === "Time") return typeof v === "string" ? undefined : "must be a string";
  if (t === "TimeOrMetaDuration") return (typeof v === "string" && DURATION.test(v)) || Number.isInteger(v) ? undefined : 'must be a duration such as "5s", or nanoseconds';
  if (t.startsWith("[]")) return Array.isArray(v) ? undefined : `must be a list (${t})`;
  if (t.startsWith("map[")) return typeof v === "object" && !Array.isArray(v) ? undefined : `must be a map (${t})`;
  if (t === "bool") return typeof v === "boolean" ? undefined : "must be true or false";
  if (/^u?int(8|16|32|64)?$/.test(t)) return Number.isInteger(v) ? undefined : `must be an integer (${t})`;
  if (/^float(32|64)$/.test(t)) return typeof v === "number" ? undefined : `must be a number (${t})`;
  if (t === "string") return typeof v === "string" ? undefined : "must be a string";
  if (t === "Duration") return typeof v === "string" && DURATION.test(v) ? undefined : 'must be a duration such as "10s" or "2m30s"';
  if (t === "Quantity" || t === "QuantityValue" || t === "IntOrString") return typeof v === "string" || typeof v === "number" ? undefined : `must be a string or number (${t})`;
  return typeof v === "object" && !Array.isArray(v) ? undefined : `must be an object (${t})`;
}

/** Problems of `config` as a `kind` of Kubernetes `version` ("v1.37.2"); [] when it is valid. */
export function checkConfig(kind: string, version: string, config: Record<string, unknown>): ConfigProblem[] {
  const minor = version.split(".").slice(0, 2).join(".");
  const fields = BY_MINOR[minor]?.[kind];
  if (!fields) return [{ path: "", message: `drydock has no ${kind} field list for Kubernetes ${minor} (it has ${knownConfigMinors().join(", ")})` }];
  const problems: ConfigProblem[] = [];
  const visit = (obj: Record<string, unknown>, prefix: string, shown: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      const path = `${prefix}${k}`;
      const at = `${shown}${k}`;
      const t = fields[path];
      if (t === undefined) {
        const siblings = Object.keys(fields).filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes(".")).map((p) => p.slice(prefix.length)).filter((p) => !p.includes("["));
        const near = closest(k, siblings);
        problems.push({ path: at, message: `${kind} ${minor} has no field ${JSON.stringify(k)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}` });
        continue;
      }
      const bad = shapeProblem(t, v);
      if (bad) { problems.push({ path: at, message: bad }); continue; }
      if (v && typeof v === "object") {
        if (Array.isArray(v)) {
          v.forEach((item, i) => { if (item && typeof item === "object" && !Array.isArray(item) && Object.keys(fields).some((p) => p.startsWith(`${path}[].`))) visit(item as Record<string, unknown>, `${path}[].`, `${at}[${i}].`); });
        } else if (t.startsWith("map[")) {
          if (Object.keys(fields).some((p) => p.startsWith(`${path}.*.`))) for (const [mk, mv] of Object.entries(v)) if (mv && typeof mv === "object") visit(mv as Record<string, unknown>, `${path}.*.`, `${at}.${mk}.`);
        } else if (Object.keys(fields).some((p) => p.startsWith(`${path}.`))) {
          visit(v as Record<string, unknown>, `${path}.`, `${at}.`);
        }
      }
    }
  };
  visit(config, "", "");
  return problems;
}
