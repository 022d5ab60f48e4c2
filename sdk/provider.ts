/**
 * The provider contract, in the shapes of Pulumi's dynamic providers.
 * Providers see plain values: the engine strips secrets before calling them
 * and re-applies secretness to what they return. During a preview, `check`
 * and `diff` may see `unknown` leaves (test with `isUnknown`).
 */
import type { z } from "zod";
import { isPlainObject, isUnknown } from "./properties.js";
import { formatPath, zodProblems } from "./validation.js";

export interface CheckFailure {
  /** Dotted property path, `members[1].host`. */
  readonly property: string;
  readonly reason: string;
}

export interface CheckResult<I = Record<string, unknown>> {
  /** The normalised inputs (defaults applied) that will be stored and diffed. */
  readonly inputs?: I;
  readonly failures?: readonly CheckFailure[];
}

export interface DiffResult {
  readonly changes?: boolean;
  /** Properties whose change needs a replacement. */
  readonly replaces?: readonly string[];
  /** Output properties that keep their value across this update. */
  readonly stables?: readonly string[];
  readonly deleteBeforeReplace?: boolean;
  /** Why, or what people should know, shown on the step: "renewal: expires in 12 days". */
  readonly note?: string;
  /**
   * The changes as the provider sees them (a server's dry run: defaults and admission included),
   * shown instead of the input diff. Values as people may see them: mask secrets yourself.
   */
  readonly detailedDiff?: readonly { readonly path: string; readonly kind: "add" | "delete" | "update"; readonly old?: unknown; readonly new?: unknown }[];
}

/** What the engine tells `diff` and `update` about the resource's options. */
export interface DiffOptions {
  /** The resource's `ignoreChanges` paths: the provider should leave those fields alone. */
  readonly ignoreChanges?: readonly string[];
}

export interface CreateResult<O = Record<string, unknown>> {
  readonly id: string;
  readonly outs?: O;
}

export interface ReadResult<O = Record<string, unknown>> {
  readonly id?: string;
  /** The real thing's current output properties. */
  readonly props?: O;
  /** The inputs that would produce it (so drift shows in the next diff). */
  readonly inputs?: Record<string, unknown>;
}

export interface UpdateResult<O = Record<string, unknown>> {
  readonly outs?: O;
}

/** What a provider call may use besides its arguments. */
export interface ProviderContext {
  /**
   * Aborted when the operation's customTimeouts deadline passes. The engine
   * then waits a grace period for the call to settle: stop, clean up what you
   * started, and throw (or return, if the thing was made after all).
   */
  readonly signal: AbortSignal;
  /** The resource's URN, for messages. */
  readonly urn: string;
  /** Progress for long waits ("waiting for ssh on 10.1.0.5"). */
  log(message: string): void;
  /** The resource's `ignoreChanges` paths (updates only). */
  readonly ignoreChanges?: readonly string[];
  /**
   * For a call that now only waits on something outside (a rollout, a node to register): its
   * concurrency slot is lent to other steps until `p` settles, so waiters do not hold back work.
   */
  readonly idle?: <T>(p: Promise<T>) => Promise<T>;
}

/** What `check` may use besides the inputs. */
export interface CheckContext {
  readonly urn: string;
  /** True in a preview (and in the plan half of `up`). */
  readonly dryRun: boolean;
  /** Top-level input names that hold a secret anywhere (a file's `content`, a key). */
  readonly secretInputs?: readonly string[];
  /** Dotted paths of the secret values inside the inputs (`files[2].content`), for defaults that follow secrecy. */
  readonly secretPaths?: readonly string[];
}

export interface ResourceProvider<I = Record<string, unknown>, O = Record<string, unknown>> {
  /**
   * Computed outputs that may carry an input's secret. Without this list every
   * computed output of a resource with a secret input is secret; with it, only
   * these are (an output named like an input always follows that input). A
   * function gets the names of the inputs that hold a secret.
   */
  readonly secretOutputs?: readonly string[] | ((secretInputs: readonly string[]) => readonly string[]);
  /**
   * Key names (at any depth) that hold the secrets of a secret computed output:
   * only those are wrapped (a connection's `privateKey`, `password`, …), the
   * rest stays readable in plans, logs and errors.
   */
  readonly secretLeaves?: readonly string[];
  check?(olds: Record<string, unknown> | undefined, news: Record<string, unknown>, ctx?: CheckContext): Promise<CheckResult<I>>;
  /**
   * Outputs that follow from the inputs alone (pure, no I/O), so a plan shows
   * them known instead of unknown and what depends on them can be checked.
   */
  plannedOutputs?(inputs: I): Partial<O>;
  /** `olds` are the old output properties; without `diff` the engine compares inputs. */
  diff?(id: string, olds: O, news: I, oldInputs: I, opts?: DiffOptions): Promise<DiffResult>;
  /**
   * Makes the thing. A throw means it finished, its cleanup included; if it
   * failed part-way but left something real, throw a `PartialResultError`.
   */
  create(inputs: I, ctx: ProviderContext): Promise<CreateResult<O>>;
  /**
   * Reads the real thing back. `undefined` means it is gone, and is returned
   * only on positive evidence (the host answered and the thing is absent);
   * an unreachable host, a sudo failure or a timeout must throw, naming the
   * host, and the engine then keeps the resource in state as it was.
   */
  read?(id: string, props: O, inputs: I, ctx: ProviderContext): Promise<ReadResult<O> | undefined>;
  /** Changes the thing in place; `olds` may be what a part-way create or update left (see `PartialResultError`). */
  update?(id: string, olds: O, news: I, ctx: ProviderContext, oldInputs: I): Promise<UpdateResult<O>>;
  /** `inputs`: the resource's last inputs (what it was declared with, secrets included). */
  delete?(id: string, props: O, ctx: ProviderContext, inputs?: I): Promise<void>;
  /**
   * True when this resource's create or update will then wait long (a rollout): its step goes
   * before ordinary steps waiting for a slot, so the wait overlaps the rest of the pass.
   */
  startsEarly?(inputs: I): boolean;
  /** An ID known before `create` runs, so an interrupted create can be read back. */
  idFor?(inputs: I): string | undefined;
  /**
   * True when an id names the real thing completely, so two resources with one
   * id are the same thing (a file's absolute path on one machine). Deleting a
   * resource whose id another resource of the type now holds then only drops
   * it from state. Leave it unset when two different things can share an id
   * (a name per cluster, a fingerprint per server): both are deleted for real.
   * @default false
   */
  readonly idIsIdentity?: boolean;
  /**
   * What this resource contributes to `drydock backup` (a snapshot of its
   * data), taken from the real thing; how it is restored is the provider's
   * own business (etcd: `restoreFrom`). Without it, a backup holds only state.
   */
  backup?(id: string, props: O, ctx: ProviderContext): Promise<BackupPart[]>;
}

/** Whether dotted path `p` is `ancestor` or lies beneath it. */
const isUnder = (p: string, ancestor: string): boolean => ancestor === "" || p === ancestor || p.startsWith(`${ancestor}.`) || p.startsWith(`${ancestor}[`);

/** Paths (dotted) at which `v` holds an unknown. */
function unknownPaths(v: unknown, path: string, out: string[]): string[] {
  if (isUnknown(v)) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => unknownPaths(x, `${path}[${i}]`, out));
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) unknownPaths(x, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/**
 * Validates inputs against a zod schema and reports every problem with its
 * path. Problems at or under an unknown value (preview) are not problems yet.
 */
export function checkWith<S extends z.ZodType>(schema: S, news: Record<string, unknown>): CheckResult<z.infer<S>> {
  const r = schema.safeParse(news);
  if (r.success) return { inputs: r.data as z.infer<S> };
  const unknowns = unknownPaths(news, "", []);
  // A union cannot tell which of its options a value is while part of that value is unknown.
  const issues = r.error.issues.filter((i) => !(i.code === "invalid_union" && unknowns.some((u) => isUnder(u, formatPath(i.path)))));
  const problems = zodProblems(issues, news).filter(
    (p) => !unknowns.some((u) => isUnder(p.path, u)),
  );
  if (problems.length === 0) return { inputs: withDefaults(schema, news) as z.infer<S> };
  return { failures: problems.map((p) => ({ property: p.path, reason: p.message })) };
}

/**
 * Inputs with some values unknown (a preview): each known top-level field is
 * parsed on its own, so defaults and normalisation apply as they will in `up`.
 */
function withDefaults(schema: z.ZodType, news: Record<string, unknown>): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return news;
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(shape)) {
    const v = news[k];
    if (unknownPaths(v, k, []).length > 0) out[k] = v;
    else {
      const r = field.safeParse(v);
      if (r.success && r.data !== undefined) out[k] = r.data;
    }
  }
  return out;
}

/**
 * Thrown by `create` or `update` when the operation failed part-way but left
 * something real: `outs` (and for a create, `id`) describe what now exists, so
 * the engine records it in state and the next run continues from there.
 */
export class PartialResultError extends Error {
  override readonly name = "PartialResultError";
  constructor(message: string, readonly outs: Record<string, unknown>, readonly id?: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** What a resource contributes to `drydock backup`: files for the archive, and its entry in the manifest's section. */
export interface BackupPart {
  /** The manifest section the entry goes to ("etcd"). */
  readonly section: string;
  readonly entry: Record<string, unknown>;
  /** Archive path → bytes. */
  readonly files: Readonly<Record<string, Buffer>>;
}

/** A provider of any input and output shape, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = ResourceProvider<any, any>;
