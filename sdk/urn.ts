/** URNs: `urn:drydock:<stack>::<project>::<Parent$Type>::<name>`. */

export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** The qualified type: parent types joined with `$`, then the type. */
  readonly qualifiedType: string;
  readonly name: string;
}

export function createUrn(p: UrnParts): string {
  return `urn:drydock:${p.stack}::${p.project}::${p.qualifiedType}::${p.name}`;
}

export function parseUrn(urn: string): UrnParts & { readonly type: string } {
  const m = /^urn:drydock:([^:]*)::([^:]*)::(.+?)::(.*)$/s.exec(urn);
  if (!m) throw new Error(`"${urn}" is not a drydock URN (urn:drydock:<stack>::<project>::<type>::<name>)`);
  const qualifiedType = m[3]!;
  const type = qualifiedType.split("$").at(-1)!;
  return { stack: m[1]!, project: m[2]!, qualifiedType, name: m[4]!, type };
}

/** The name part of a URN (what follows the last `::`). */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The qualified type of a child: its parent's qualified type, `$`, its own type. */
export function qualifyType(type: string, parentUrn: string | undefined): string {
  return parentUrn ? `${parseUrn(parentUrn).qualifiedType}$${type}` : type;
}

/** A type token has the form `package:module:Type`. */
export function checkTypeToken(type: string): void {
  if (!/^[A-Za-z][\w.-]*:[\w./-]+:[A-Za-z][\w]*$/.test(type)) {
    throw new Error(`resource type "${type}" is not a type token of the form package:module:Type`);
  }
}
