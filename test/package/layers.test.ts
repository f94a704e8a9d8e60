/**
 * The layers, checked on the real import graph (read with the TypeScript parser): no runtime
 * import cycle, every folder imports only the folders its index.ts says it may, and code outside
 * a folder reaches it only through its index.ts (type-only imports excepted: they are erased).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Folder -> the folders it may import (itself always). Lower layers first. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  sandbox: ["errors"],
  rewards: ["errors"],
  tasks: ["errors"],
  "src/web": ["errors"],
  "src/deploy": ["errors"],
  "src/env": ["errors", "sandbox", "rewards", "tasks"],
  "src/client": ["errors", "src/env"],
  "src/eval": ["errors", "sandbox", "tasks", "src/env"],
  "src/server": ["errors", "sandbox", "rewards", "tasks", "src/env", "src/eval", "src/web", "src/client"],
  "src/bench": ["errors", "sandbox", "tasks", "src/env", "src/eval", "src/server", "src/client"],
  "src/cli": [
    "errors",
    "sandbox",
    "tasks",
    "src/env",
    "src/eval",
    "src/server",
    "src/client",
    "src/deploy",
    "src/bench",
  ],
  src: ["errors", "src/env", "src/eval", "src/server"],
};

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === "src/web/app" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), "utf8"),
    ts.ScriptTarget.ES2023,
    true,
  );
  const out: Array<{ specifier: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const allTypes =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The folder a file belongs to for layering: src/<x>/ or the top-level folder. */
function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "src" && parts.length > 2) return `src/${parts[1]}`;
  return parts[0] ?? file;
}

const files = Object.keys(MAY_IMPORT)
  .filter((f) => !f.includes("/"))
  .flatMap(sourceFiles);
const edges: Edge[] = files.flatMap((from) =>
  importsOf(from)
    .filter((i) => i.specifier.startsWith("."))
    .map((i) => ({
      from,
      to: relative(ROOT, resolve(ROOT, dirname(from), i.specifier)),
      typeOnly: i.typeOnly,
    })),
);

it("reads a graph of the whole tree", () => {
  expect(files.length).toBeGreaterThan(100);
  expect(edges.length).toBeGreaterThan(300);
});

it("has no runtime import cycle", () => {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const walk = (file: string, path: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const to of next.get(file) ?? []) walk(to, [...path, file]);
    state.set(file, "done");
  };
  for (const file of files) walk(file, []);
  expect(cycles).toEqual([]);
});

it("imports only downward, as each folder's index.ts says", () => {
  const wrong = edges
    .filter((e) => {
      const from = folderOf(e.from);
      const to = folderOf(e.to);
      return from !== to && !(MAY_IMPORT[from] ?? []).includes(to);
    })
    .map((e) => `${e.from} -> ${e.to}`);
  expect(wrong).toEqual([]);
});

it("reaches another folder only through its index.ts (type-only imports excepted)", () => {
  const deep = edges
    .filter((e) => !e.typeOnly && folderOf(e.from) !== folderOf(e.to) && !e.to.endsWith("/index.ts"))
    .map((e) => `${e.from} -> ${e.to}`);
  expect(deep).toEqual([]);
});
