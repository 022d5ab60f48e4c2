/**
 * Hover docs reach the program: every field of every resource's Args and every
 * output property carries JSDoc, which (for fields derived from a schema) is the
 * schema's own, so the two cannot drift.
 */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const INDEX = fileURLToPath(new URL("../../../sdk/index.ts", import.meta.url));
const FAMILIES = ["lxd", "ssh", "pki", "local"] as const;

/** `family.Name.field` for each property without docs: of each picked exported type, or (instance) of each exported class's instances. */
function undocumented(pick: (name: string) => boolean, instance: boolean): string[] {
  const program = ts.createProgram([INDEX], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const root = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  const missing: string[] = [];
  for (const family of FAMILIES) {
    const ns = checker.getExportsOfModule(root).find((s) => s.name === family)!;
    for (const sym of checker.getExportsOfModule(checker.getAliasedSymbol(ns))) {
      const real = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      if (!pick(real.name)) continue;
      if (instance && !(real.flags & ts.SymbolFlags.Class)) continue;
      const type = checker.getDeclaredTypeOfSymbol(real);
      for (const prop of checker.getPropertiesOfType(type)) {
        if (instance && ["urn", "id", "getOutput"].includes(prop.name)) continue;
        if (ts.displayPartsToString(prop.getDocumentationComment(checker)).trim() === "") missing.push(`${family}.${real.name}.${prop.name}`);
      }
    }
  }
  return missing;
}

describe("docs on what programs write and read", () => {
  it("every Args field is documented", () => {
    expect(undocumented((n) => n.endsWith("Args"), false)).toEqual([]);
  });

  it("every output property of every resource is documented", () => {
    expect(undocumented(() => true, true)).toEqual([]);
  });
});
