/** Resources: CustomResource (managed by a provider) and ComponentResource (a group). */
import { fileURLToPath } from "node:url";
import { Output, type Input, type Inputs } from "./output.js";
import { containsSecret, containsUnknown, reveal } from "./properties.js";
import { checkOptions } from "./options.js";
import { requireRuntime, type RegisterResponse } from "./runtime.js";
import { checkTypeToken, createUrn, parseUrn, qualifyType } from "./urn.js";

/** Another name this resource had before, so a rename is not a replacement. */
export interface Alias {
  /** @default the resource's current name */
  readonly name?: string;
  /** @default the resource's current type */
  readonly type?: string;
  /** The old parent (a resource or its URN); `null` for "no parent". @default the current parent */
  readonly parent?: Resource | string | null;
  /** @default the current stack */
  readonly stack?: string;
  /** @default the current project */
  readonly project?: string;
}

export interface CustomTimeouts {
  /** Durations such as "30s", "5m", "1h". */
  readonly create?: string;
  readonly update?: string;
  readonly delete?: string;
}

/** Options every resource accepts (https://www.pulumi.com/docs/iac/concepts/options/ for their meaning). */
export interface ResourceOptions {
  /** Resources that must be created before this one, besides those its inputs come from. */
  readonly dependsOn?: Input<Resource> | Input<Input<Resource>[]>;
  /**
   * Resources whose steps must finish before this resource is updated or
   * replaced; its creation does not wait for them. The pattern for changes
   * that go one at a time while first creation runs in parallel (a rolling
   * restart behind a health gate). Deletes are ordered as for dependsOn:
   * this resource goes before them.
   */
  readonly updatesAfter?: Resource | readonly Resource[];
  /** The component this resource belongs to (its URN type is qualified by the parent's). */
  readonly parent?: Resource;
  /** Refuse to delete or replace this resource. @default false */
  readonly protect?: boolean;
  /** Property paths whose changes are ignored after creation (`content`, `tags.owner`). */
  readonly ignoreChanges?: readonly string[];
  /** Property paths whose changes force a replacement; `*` for any. */
  readonly replaceOnChanges?: readonly string[];
  /** Delete the old resource before creating its replacement. @default false (create first) */
  readonly deleteBeforeReplace?: boolean;
  /** Leave the real thing in place when the resource is deleted. @default false */
  readonly retainOnDelete?: boolean;
  readonly customTimeouts?: CustomTimeouts;
  /** Former identities: full URNs or partial `Alias` specs. */
  readonly aliases?: readonly (string | Alias)[];
  /** Output properties to treat as secret even if no input was. */
  readonly additionalSecretOutputs?: readonly string[];
}

const SDK_DIR = fileURLToPath(new URL(".", import.meta.url));

/**
 * Where the user declared the resource: the first stack frame outside the SDK.
 * The stack is captured now but formatted only if a message needs it.
 */
function declarationSite(): { toString(): string } {
  const captured = new Error();
  let text: string | undefined;
  return { toString: () => (text ??= siteOf(captured)) };
}

function siteOf(captured: Error): string {
  const lines = (captured.stack ?? "").split("\n").slice(1);
  for (const l of lines) {
    const m = /\(?((?:file:\/\/)?\/[^()]+?):(\d+):(\d+)\)?$/.exec(l.trim());
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (!file.startsWith(SDK_DIR) && !file.includes("/node_modules/tsx/") && !file.startsWith("node:")) {
      return `${file}:${m[2]}`;
    }
  }
  return "<unknown location>";
}

/** Internal bookkeeping attached to every resource. */
export interface ResourceInternals {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: Resource | undefined;
  readonly children: Set<Resource>;
  /** Former URNs (own aliases and those inherited from the parent). */
  readonly aliases: readonly string[];
  readonly site: { toString(): string };
  readonly registered: Promise<RegisterResponse>;
}

const INTERNALS = Symbol.for("drydock.resource");

export function resourceInternals(r: Resource): ResourceInternals {
  return (r as unknown as Record<symbol, ResourceInternals>)[INTERNALS]!;
}

export function isResource(v: unknown): v is Resource {
  return typeof v === "object" && v !== null && INTERNALS in v;
}

export abstract class Resource {
  /** The resource's unique name in the stack. */
  readonly urn: Output<string>;

  protected constructor(type: string, name: string, custom: boolean, props: Inputs, opts: ResourceOptions) {
    checkTypeToken(type);
    if (typeof name !== "string" || name.length === 0 || name.includes("::")) {
      throw new Error(`resource name ${JSON.stringify(name)} of type ${type} must be a non-empty string without "::"`);
    }
    const rt = requireRuntime(`new ${type}("${name}")`);
    checkOptions(type, name, opts);
    const { project, stack } = rt.settings;
    const parent = opts.parent;
    if (parent !== undefined && !isResource(parent)) {
      throw new Error(`${type} "${name}": option "parent" must be a resource`);
    }
    const parentUrn = parent ? resourceInternals(parent).urn : undefined;
    const urn = createUrn({ stack, project, qualifiedType: qualifyType(type, parentUrn), name });
    const own = (opts.aliases ?? []).map((a) => resolveAlias(a, { stack, project, type, name, parentUrn }));
    // A child inherits its parent's former identities: renaming a component does not recreate what is inside it.
    const inherited = parent
      ? resourceInternals(parent).aliases.map((parentAlias) => createUrn({ stack, project, qualifiedType: qualifyType(type, parentAlias), name }))
      : [];
    const aliases = [...new Set([...own, ...inherited])];
    const site = declarationSite();
    const registered = rt.registerResource(this, urn, {
      type,
      name,
      custom,
      props,
      opts: { ...opts, aliases },
      site,
    });
    const internals: ResourceInternals = {
      urn, type, name, custom, parent, children: new Set(), site, registered, aliases,
    };
    Object.defineProperty(this, INTERNALS, { value: internals, enumerable: false });
    if (parent) resourceInternals(parent).children.add(this);
    this.urn = Output.known(urn, false, new Set([this]));
  }

  /** @internal An Output for one output property, resolved when the resource's step completes. */
  protected getOutput<T>(key: string): Output<T> {
    const deps = new Set<object>([this]);
    const reg = resourceInternals(this).registered;
    return new Output(
      reg.then((r) => {
        const v = r.outputs[key];
        const secret = v !== undefined && containsSecret(v);
        if (v === undefined) return { value: undefined, known: !r.partial, secret: false, resources: deps };
        if (containsUnknown(v)) return { value: undefined, known: false, secret, resources: deps };
        return { value: reveal(v) as T, known: true, secret, resources: deps, tree: v };
      }),
    );
  }
}

function resolveAlias(
  a: string | Alias,
  cur: { stack: string; project: string; type: string; name: string; parentUrn: string | undefined },
): string {
  if (typeof a === "string") {
    parseUrn(a);
    return a;
  }
  let parentUrn = cur.parentUrn;
  if (a.parent === null) parentUrn = undefined;
  else if (typeof a.parent === "string") parentUrn = a.parent;
  else if (a.parent !== undefined) parentUrn = resourceInternals(a.parent).urn;
  return createUrn({
    stack: a.stack ?? cur.stack,
    project: a.project ?? cur.project,
    qualifiedType: qualifyType(a.type ?? cur.type, parentUrn),
    name: a.name ?? cur.name,
  });
}

/**
 * A resource managed by a provider, named by its type token (`drydock:local:File`).
 * Every input property and every name in `outputNames` becomes an Output property.
 */
export class CustomResource extends Resource {
  /** The provider's ID for the real thing. */
  readonly id: Output<string>;

  constructor(type: string, name: string, props: Inputs, opts: ResourceOptions = {}, outputNames: readonly string[] = []) {
    super(type, name, true, props, opts);
    this.id = new Output(
      resourceInternals(this).registered.then((r) => ({
        value: r.id,
        known: r.id !== undefined || !r.partial,
        secret: false,
        resources: new Set<object>([this]),
      })),
    );
    for (const key of new Set([...Object.keys(props), ...outputNames])) {
      if (key === "urn" || key === "id") continue;
      Object.defineProperty(this, key, { value: this.getOutput(key), enumerable: true });
    }
  }
}

/** A group of resources. Children pass `{ parent: this }`; call `registerOutputs` at the end. */
export class ComponentResource extends Resource {
  constructor(type: string, name: string, _args: Inputs = {}, opts: ResourceOptions = {}) {
    super(type, name, false, {}, opts);
  }

  /** Records the component's outputs in state. */
  protected registerOutputs(outputs: Inputs | Promise<Inputs> | Output<Inputs> = {}): void {
    requireRuntime("registerOutputs").registerOutputs(this, outputs);
  }
}
