/**
 * Turning module-shaped code (Exercism solutions and specs, MultiPL-E tests) into the plain
 * scripts the grader runs: cell 1 (prompt + solution) is a REPL cell whose top-level declarations
 * become globals, cell 2 (tests) is a strict-mode script; neither may use import/export/require.
 * Regex-based on purpose: the inputs are small, conventional files, and a parse error in a
 * foreign file must not stop a conversion that a person will review anyway.
 */

export interface ImportBinding {
  imported: string;
  local: string;
}

export interface ParsedImport {
  /** Local name of the default import. */
  defaultLocal?: string;
  named: ImportBinding[];
  /** Local name of `* as ns`. */
  namespace?: string;
}

const IMPORT_RE = /^[ \t]*import\s+(?:type\s+)?([^;'"]*?)\s+from\s+(['"])([^'"]+)\2[ \t]*;?[ \t]*$/gm;
const BARE_IMPORT_RE = /^[ \t]*import\s+(['"])[^'"]+\1[ \t]*;?[ \t]*$/gm;
const REQUIRE_DECL_RE =
  /^[ \t]*(?:const|let|var)\s+([^=;]*?)\s*=\s*require\(\s*(['"])([^'"]+)\2\s*\)(\.\w+)?[ \t]*;?[ \t]*$/gm;

function parseNamedList(list: string): ImportBinding[] {
  return list
    .split(",")
    .map((part) => part.trim().replace(/^type\s+/, ""))
    .filter((part) => part !== "")
    .map((part) => {
      const [imported = "", local] = part.split(/\s+as\s+|\s*:\s*/).map((s) => s.trim());
      return { imported, local: local ?? imported };
    });
}

export function parseImportClause(clause: string): ParsedImport {
  const result: ParsedImport = { named: [] };
  const braces = /\{([\s\S]*)\}/.exec(clause);
  if (braces) result.named = parseNamedList(braces[1] ?? "");
  const rest = clause.replace(/\{[\s\S]*\}/, "").trim();
  for (const piece of rest.split(",").map((s) => s.trim())) {
    const ns = /^\*\s+as\s+([\w$]+)$/.exec(piece);
    if (ns?.[1]) result.namespace = ns[1];
    else if (/^[\w$]+$/.test(piece)) result.defaultLocal = piece;
  }
  return result;
}

/** Removes every import (and `require` of a local module); returns what the relative ones bound. */
export function stripImports(code: string): { code: string; local: ParsedImport[] } {
  const local: ParsedImport[] = [];
  let out = code.replace(IMPORT_RE, (_m, clause: string, _q: string, from: string) => {
    if (from.startsWith(".")) local.push(parseImportClause(clause));
    return "";
  });
  out = out.replace(BARE_IMPORT_RE, "");
  out = out.replace(REQUIRE_DECL_RE, (match, binding: string, _q: string, from: string) => {
    if (!from.startsWith(".")) return match;
    const trimmed = binding.trim();
    if (trimmed.startsWith("{")) local.push({ named: parseNamedList(trimmed.slice(1, -1)) });
    else local.push({ defaultLocal: trimmed, named: [] });
    return "";
  });
  return { code: out, local };
}

/**
 * `require('assert')` / `require('node:assert')` become the sandbox's global `assert`; the
 * TypeScript `declare var require` shim goes. Other requires are left (and will fail loudly).
 */
export function replaceAssertRequires(code: string): string {
  const out = code.replace(/^[ \t]*declare\s+(?:var|const|let)\s+require\s*:\s*any\s*;?[ \t]*$/gm, "");
  return out.replace(REQUIRE_DECL_RE, (match, binding: string, _q: string, from: string, member?: string) => {
    if (!/^(?:node:)?assert(?:\/strict)?$/.test(from)) return match;
    const name = binding.trim();
    if (name === "assert" && member === undefined) return "";
    return `const ${name} = assert${member ?? ""};`;
  });
}

export interface ExportInfo {
  code: string;
  /** Names the module exports (declarations and export lists), in source order. */
  named: string[];
  /** Name of the default export when it is a named declaration or an identifier. */
  defaultName?: string;
}

const DECL_EXPORT_RE =
  /^([ \t]*)export\s+(?!default\b)((?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|enum|interface|type|namespace)\s+([\w$]+))/gm;

/**
 * Removes export syntax so the module's exports become top-level declarations (globals under
 * REPL semantics). An anonymous `export default <expr>` becomes `var <defaultLocal> = <expr>`.
 */
export function stripExports(code: string, defaultLocal = "__default"): ExportInfo {
  const named: string[] = [];
  let defaultName: string | undefined;
  const aliases: string[] = [];
  let out = code.replace(DECL_EXPORT_RE, (_m, indent: string, decl: string, name: string) => {
    if (!/\b(?:interface|type)\s/.test(decl)) named.push(name);
    return indent + decl;
  });
  out = out.replace(
    /^([ \t]*)export\s+default\s+((?:async\s+)?(?:function\*?|class)\s+([\w$]+))/gm,
    (_m, indent: string, decl: string, name: string) => {
      defaultName = name;
      return indent + decl;
    },
  );
  out = out.replace(
    /^([ \t]*)export\s+default\s+([\w$]+)[ \t]*;?[ \t]*$/gm,
    (_m, _i: string, name: string) => {
      defaultName = name;
      return "";
    },
  );
  out = out.replace(/^([ \t]*)export\s+default\s+/gm, (_m, indent: string) => {
    defaultName = defaultLocal;
    return `${indent}var ${defaultLocal} = `;
  });
  out = out.replace(/^[ \t]*export\s+\*[^;\n]*;?[ \t]*$/gm, "");
  out = out.replace(
    /^[ \t]*export\s+(?:type\s+)?\{([^}]*)\}(?:\s*from\s*['"][^'"]*['"])?[ \t]*;?[ \t]*$/gm,
    (_m, list: string) => {
      for (const { imported, local } of parseNamedList(list)) {
        if (local === "default") defaultName = imported;
        else {
          named.push(local);
          if (local !== imported) aliases.push(`var ${local} = ${imported};`);
        }
      }
      return "";
    },
  );
  if (aliases.length > 0) out = `${out.replace(/\s*$/, "")}\n${aliases.join("\n")}\n`;
  const info: ExportInfo = { code: out, named };
  if (defaultName !== undefined) info.defaultName = defaultName;
  return info;
}
