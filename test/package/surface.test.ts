/**
 * The public surface, pinned: every name each package subpath exports (values, and types marked
 * "type"), read by the TypeScript checker from the source the subpath is built from. Adding or
 * removing a public name is then a reviewed diff of this file, never a side effect.
 */
import ts from "typescript";
import { expect, it } from "vitest";
import { SUBPATHS, sourceOf } from "./subpaths.ts";

const SURFACE: Record<string, string[]> = {};

function exportsOf(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`no module symbol for ${file}`);
    const names = checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`;
    });
    out.set(
      file,
      names.sort((a, b) => a.replace(/^type /, "").localeCompare(b.replace(/^type /, ""))),
    );
  }
  return out;
}

it("each subpath exports exactly the names pinned here", { timeout: 60_000 }, () => {
  const files = SUBPATHS.map(sourceOf);
  const found = exportsOf(files);
  const actual = Object.fromEntries(SUBPATHS.map((subpath) => [subpath, found.get(sourceOf(subpath)) ?? []]));
  expect(actual).toEqual(SURFACE);
});
