/**
 * TypeScript diagnostics for an episode's cells. The cells of a session form one growing program:
 * each cell that ran is a script file of it (`/cell-1.ts`, `/cell-2.js`, ...), so a name a cell
 * declared is a global the next cells see, as at run time (the REPL rewrite puts top-level names on
 * the session's global object). A cell that declares a name again shadows the earlier declaration:
 * the earlier cell's declaration is renamed in the program, so the newest type wins and no
 * "Cannot redeclare" is reported.
 *
 * Incremental, like a language service: the checker is kept per episode, a cell's SourceFile is
 * parsed once (again only when a later cell shadows one of its names), lib files are shared by the
 * process (rewards/typecheck.ts owns them and the sandbox globals' declaration), and each new
 * program is built from the previous one (`oldProgram`), so only the new cell is parsed and checked.
 * Diagnostics are positions in the agent's own cell text: the cell is checked as written.
 */
import type ts from "typescript";
import {
  loadTypeScript,
  SANDBOX_GLOBALS_DTS,
  SANDBOX_GLOBALS_FILE,
  sandboxCompilerOptions,
  sharedSourceFile,
} from "../../rewards/index.ts";
import type { Language } from "../../sandbox/index.ts";
import type { LoggedAction } from "./action-log.ts";
import type { CellDiagnostic } from "./types.ts";

type TypeScript = typeof ts;

/**
 * Diagnostics a cell does not get although a script would: cells run as async bodies, so top-level
 * `await` and `for await` are fine (1375, 1378, 1431, 1432: "only allowed at the top level of a
 * module").
 */
const CELL_IGNORED_CODES = new Set([1375, 1378, 1431, 1432]);

/** A cell that ran: its file in the program, the top-level names it declares, its shadowed names. */
interface HistoryCell {
  fileName: string;
  text: string;
  names: Set<string>;
  shadowed: Set<string>;
  file: ts.SourceFile | undefined;
}

export interface CheckedCell {
  code: string;
  language: Language;
}

export class CellTypeChecker {
  readonly #ts: TypeScript;
  readonly #globalsText: string;
  readonly #options: ts.CompilerOptions;
  readonly #cells: HistoryCell[] = [];
  #program: ts.Program | undefined;
  /** Actions of the episode's log already looked at (see sync). */
  #seen = 0;
  /** The last checked cell's SourceFile: recording the same cell next reuses it instead of re-parsing. */
  #lastChecked: ts.SourceFile | undefined;

  private constructor(typescript: TypeScript, globalsText: string) {
    this.#ts = typescript;
    this.#globalsText = globalsText;
    this.#options = {
      ...sandboxCompilerOptions(typescript, true),
      allowJs: true,
      checkJs: false,
      // A cell without import/export is a script: its top-level names are the program's globals.
      moduleDetection: typescript.ModuleDetectionKind.Legacy,
    };
  }

  /** Loads the compiler (first use only). `toolDeclarations`: the episode's tools as TS (tool-signatures.ts). */
  static async create(toolDeclarations: string): Promise<CellTypeChecker> {
    const typescript = await loadTypeScript();
    return new CellTypeChecker(typescript, `${SANDBOX_GLOBALS_DTS}\n${toolDeclarations}\n`);
  }

  /**
   * Records the cells of the episode's action log not seen yet (the log is the one record of what
   * ran, so a checker made late, or in a forked episode, catches up from it). A cell that failed
   * to parse declared nothing and is left out.
   */
  sync(actions: readonly LoggedAction[]): void {
    for (; this.#seen < actions.length; this.#seen++) {
      const action = actions[this.#seen];
      if (action?.kind === "cell" && action.errorKind !== "syntax") this.record(action);
    }
  }

  /** Adds a cell that ran to the program: later cells see what it declared. */
  record(cell: CheckedCell): void {
    const fileName = `/cell-${this.#cells.length + 1}.${cell.language}`;
    const last = this.#lastChecked;
    const file =
      last?.fileName === fileName && last.text === cell.code && cell.language === "ts"
        ? last
        : this.#parse(fileName, cell.code);
    const names = topLevelNames(this.#ts, file);
    for (const earlier of this.#cells) this.#shadow(earlier, names);
    this.#cells.push({ fileName, text: cell.code, names, shadowed: new Set(), file });
  }

  /** Type diagnostics of a TS cell checked as the next cell of the session (not recorded). */
  check(code: string): CellDiagnostic[] {
    const ts = this.#ts;
    const fileName = `/cell-${this.#cells.length + 1}.ts`;
    const candidate = this.#parse(fileName, code);
    this.#lastChecked = candidate;
    const names = topLevelNames(ts, candidate);
    // Shadowing is per check: a candidate that is refused must not hide what earlier cells declared.
    const saved = this.#cells.map((c) => ({ cell: c, shadowed: c.shadowed, file: c.file }));
    for (const earlier of this.#cells) this.#shadow(earlier, names);
    try {
      const program = this.#buildProgram(candidate);
      const syntactic = program.getSyntacticDiagnostics(candidate);
      const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(candidate);
      return diagnostics
        .filter((d) => d.category === ts.DiagnosticCategory.Error && !CELL_IGNORED_CODES.has(d.code))
        .map((d) => toCellDiagnostic(ts, candidate, d));
    } finally {
      for (const s of saved) {
        s.cell.shadowed = s.shadowed;
        s.cell.file = s.file;
      }
    }
  }

  #parse(fileName: string, text: string): ts.SourceFile {
    return this.#ts.createSourceFile(fileName, text, this.#ts.ScriptTarget.ES2022, true);
  }

  /** Renames `cell`'s declarations of `names` (a later cell declares them again). */
  #shadow(cell: HistoryCell, names: ReadonlySet<string>): void {
    const hit = [...cell.names].filter((n) => names.has(n) && !cell.shadowed.has(n));
    if (hit.length === 0) return;
    cell.shadowed = new Set([...cell.shadowed, ...hit]);
    cell.file = undefined;
  }

  #sourceFile(cell: HistoryCell): ts.SourceFile {
    cell.file ??= this.#parse(
      cell.fileName,
      renameDeclarations(this.#ts, cell.text, cell.fileName, cell.shadowed),
    );
    return cell.file;
  }

  #isLib(name: string, libDir: string): boolean {
    return (
      name.startsWith(`${libDir}/lib.`) && sharedSourceFile(this.#ts, name, this.#globalsText) !== undefined
    );
  }

  #buildProgram(candidate: ts.SourceFile): ts.Program {
    const ts = this.#ts;
    const files = new Map<string, ts.SourceFile>();
    for (const cell of this.#cells) files.set(cell.fileName, this.#sourceFile(cell));
    files.set(candidate.fileName, candidate);
    const libDir = ts.getDefaultLibFilePath(this.#options).replace(/\/[^/]*$/, "");
    const host: ts.CompilerHost = {
      getSourceFile: (name) => files.get(name) ?? sharedSourceFile(ts, name, this.#globalsText),
      getDefaultLibFileName: () => `${libDir}/lib.es2022.d.ts`,
      getDefaultLibLocation: () => libDir,
      writeFile: () => {},
      getCurrentDirectory: () => "/",
      getCanonicalFileName: (name) => name,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      // Only the cells, the globals and TypeScript's own lib files exist: without this, every new
      // program probes node_modules for lib replacement packages (most of a check's time).
      fileExists: (name) => files.has(name) || name === SANDBOX_GLOBALS_FILE || this.#isLib(name, libDir),
      directoryExists: (dir) => dir === "/" || dir === libDir,
      getDirectories: () => [],
      readFile: (name) =>
        files.get(name)?.text ??
        (this.#isLib(name, libDir) ? sharedSourceFile(ts, name, this.#globalsText)?.text : undefined),
    };
    const program = ts.createProgram({
      rootNames: [SANDBOX_GLOBALS_FILE, ...files.keys()],
      options: this.#options,
      host,
      ...(this.#program === undefined ? {} : { oldProgram: this.#program }),
    });
    this.#program = program;
    return program;
  }
}

function toCellDiagnostic(ts: TypeScript, file: ts.SourceFile, d: ts.Diagnostic): CellDiagnostic {
  const start = d.start ?? 0;
  const begin = file.getLineAndCharacterOfPosition(start);
  const end = file.getLineAndCharacterOfPosition(start + (d.length ?? 0));
  return {
    line: begin.line + 1,
    column: begin.character + 1,
    end_line: end.line + 1,
    end_column: end.character + 1,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  };
}

/** The identifiers a script declares at its top level (values and types), with their nodes. */
function topLevelDeclarations(ts: TypeScript, file: ts.SourceFile): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) out.push(name);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const stmt of file.statements) {
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) addBinding(d.name);
    } else if (
      (ts.isFunctionDeclaration(stmt) ||
        ts.isClassDeclaration(stmt) ||
        ts.isInterfaceDeclaration(stmt) ||
        ts.isTypeAliasDeclaration(stmt) ||
        ts.isEnumDeclaration(stmt) ||
        ts.isModuleDeclaration(stmt)) &&
      stmt.name !== undefined &&
      ts.isIdentifier(stmt.name)
    ) {
      out.push(stmt.name);
    }
  }
  return out;
}

function topLevelNames(ts: TypeScript, file: ts.SourceFile): Set<string> {
  return new Set(topLevelDeclarations(ts, file).map((id) => id.text));
}

/** `text` with its top-level declarations of `names` renamed to names no cell can write. */
function renameDeclarations(
  ts: TypeScript,
  text: string,
  fileName: string,
  names: ReadonlySet<string>,
): string {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const spans = topLevelDeclarations(ts, file)
    .filter((id) => names.has(id.text))
    .map((id) => ({ start: id.getStart(file), end: id.end, name: id.text }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  // Unique per cell, so two shadowed cells never collide with each other.
  const tag = fileName.replace(/\W/g, "_");
  for (const s of spans) out = `${out.slice(0, s.start)}__shadowed${tag}_${s.name}${out.slice(s.end)}`;
  return out;
}

/** tsc's own format (`cell.ts(2,7): error TS2322: ...`), one line per diagnostic, plus why the cell did not run. */
export function formatRefusal(diagnostics: readonly CellDiagnostic[]): string {
  const lines = diagnostics.map(
    (d) => `cell.ts(${d.line},${d.column}): error TS${d.code}: ${d.message.replaceAll("\n", "\n  ")}`,
  );
  const count = diagnostics.length === 1 ? "1 type error" : `${diagnostics.length} type errors`;
  lines.push(
    `The cell was not run: ${count} and typecheck is "enforce" (as tsc, nothing runs until it type-checks).`,
  );
  return `${lines.join("\n")}\n`;
}
