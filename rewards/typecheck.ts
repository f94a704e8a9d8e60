/**
 * TypeChecks: type-checks a TS cell with the TypeScript compiler API, in memory. The program is the
 * cell (a module, so top-level await is fine), an ambient declaration of the sandbox's globals and
 * the es2022 lib. Lib SourceFiles are parsed once per process and shared by every program (the
 * first check pays the parse of the lib files, later ones only check the cell). The compiler itself
 * is imported on first use: loading it takes ~0.4 s, which environments not using TypeChecks skip.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type ts from "typescript";
import { z } from "zod";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import type { JsonObject, RubricAction, RubricObservation } from "./types.ts";

/** The sandbox globals the prelude gives every cell (console, assert, the test harness, timers). */
export const SANDBOX_GLOBALS_DTS = `
declare var console: {
  log(...data: any[]): void; info(...data: any[]): void; warn(...data: any[]): void;
  error(...data: any[]): void; debug(...data: any[]): void; table(data: any): void;
};
declare function assert(value: unknown, message?: string): asserts value;
declare namespace assert {
  function ok(value: unknown, message?: string): asserts value;
  function equal(actual: unknown, expected: unknown, message?: string): void;
  function notEqual(actual: unknown, expected: unknown, message?: string): void;
  function strictEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
  function notStrictEqual(actual: unknown, expected: unknown, message?: string): void;
  function deepEqual(actual: unknown, expected: unknown, message?: string): void;
  function deepStrictEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
  function notDeepEqual(actual: unknown, expected: unknown, message?: string): void;
  function notDeepStrictEqual(actual: unknown, expected: unknown, message?: string): void;
  function doesNotThrow(fn: () => unknown, message?: string): void;
  function throws(fn: () => unknown, expected?: unknown, message?: string): void;
  function rejects(fn: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: string): Promise<void>;
  function match(value: string, pattern: RegExp, message?: string): void;
  function fail(message?: string): never;
}
type TestBody = () => void | Promise<void>;
interface TestFunction {
  (name: string, body: TestBody): void;
  skip(name: string, body?: TestBody): void;
  only(name: string, body: TestBody): void;
  todo(name: string): void;
}
declare var describe: TestFunction;
declare var test: TestFunction;
declare var it: TestFunction;
declare function beforeAll(body: TestBody): void;
declare function afterAll(body: TestBody): void;
declare function beforeEach(body: TestBody): void;
declare function afterEach(body: TestBody): void;
declare function expect(actual: any): any;
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearInterval(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
`;

/**
 * "Cannot find name" (2304, 2552): a cell may use names declared by EARLIER cells of the episode
 * (REPL semantics) which a one-cell program cannot see, so by default these are not held against it.
 */
export const DEFAULT_IGNORED_CODES: readonly number[] = [2304, 2552];

const optionsSchema = z.strictObject({
  mode: z.enum(["all", "fraction"]).default("all"),
  strict: z.boolean().default(true),
  tools: z.array(z.string().regex(/^[A-Za-z_$][\w$]*$/, "a tool name must be a JS identifier")).default([]),
  extraDeclarations: z.string().default(""),
  ignoreCodes: z.array(z.number().int()).default([...DEFAULT_IGNORED_CODES]),
  nonCodeScore: z.number().finite().default(0),
});
type TypeCheckConfig = z.output<typeof optionsSchema>;

/**
 * Options of {@link TypeChecks} and {@link typeCheckCell} (validated strictly: an unknown key is an error).
 * @example
 * ```ts
 * new TypeChecks({ mode: "fraction", tools: ["read_file"], ignoreCodes: [] });
 * ```
 */
export interface TypeChecksOptions {
  /**
   * "all": a cell with a type error scores 0; "fraction": 1 - (lines with an error / non-blank lines).
   * @default "all"
   */
  mode?: "all" | "fraction";
  /**
   * The compiler's `strict`.
   * @default true
   */
  strict?: boolean;
  /**
   * Tool names declared as `(args?: any) => Promise<any>` functions (JS identifiers).
   * @default []
   */
  tools?: string[];
  /**
   * More ambient declarations (.d.ts text) the cells may use.
   * @default ""
   */
  extraDeclarations?: string;
  /**
   * TypeScript error numbers not held against a cell.
   * @default DEFAULT_IGNORED_CODES ([2304, 2552]: names earlier cells may have declared)
   */
  ignoreCodes?: number[];
  /**
   * Score of an action without code (a tool call).
   * @default 0
   */
  nonCodeScore?: number;
}

// The interface is what users read; this keeps it and the schema from drifting apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesOptions: Same<Required<TypeChecksOptions>, Required<z.input<typeof optionsSchema>>> = true;
void schemaMatchesOptions;

type TypeScript = typeof ts;
let compiler: Promise<TypeScript> | undefined;

/** The TypeScript compiler, imported on first use (~0.4 s): whoever never type-checks never loads it. */
export function loadTypeScript(): Promise<TypeScript> {
  compiler ??= import("typescript").then((module) => module.default);
  return compiler;
}

/** Whether the compiler has been asked for (tests assert that type checking "off" costs nothing). */
export function typeScriptRequested(): boolean {
  return compiler !== undefined;
}

const CELL = "/cell.ts";
const GLOBALS = "/sandbox-globals.d.ts";
/** Parsed lib and globals files, shared by all programs: parsing lib.es2022 is the slow part. */
const sharedFiles = new Map<string, ts.SourceFile>();
/** Globals texts differ per tool set / task; keep only the most recent few parsed. */
const MAX_GLOBALS_FILES = 32;
const globalsKeys: string[] = [];

/** How a sandbox cell is checked: es2022 lib, no Node or DOM types, nothing resolved from disk. */
export function sandboxCompilerOptions(ts: TypeScript, strict: boolean): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ["lib.es2022.d.ts"],
    types: [],
    strict,
    noEmit: true,
    noResolve: true,
    skipLibCheck: true,
  };
}

function sharedFile(
  ts: TypeScript,
  fileName: string,
  text: () => string | undefined,
): ts.SourceFile | undefined {
  let file = sharedFiles.get(fileName);
  if (file === undefined) {
    const source = text();
    if (source === undefined) return undefined;
    file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false);
    sharedFiles.set(fileName, file);
    if (fileName.startsWith(GLOBALS) && globalsKeys.push(fileName) > MAX_GLOBALS_FILES) {
      sharedFiles.delete(globalsKeys.shift() ?? "");
    }
  }
  return file;
}

/**
 * A lib .d.ts (or the globals declaration `globalsText`, under `/sandbox-globals.d.ts`) as a parsed
 * SourceFile shared by every program of the process, so each lib is parsed and bound once.
 */
export function sharedSourceFile(
  ts: TypeScript,
  fileName: string,
  globalsText: string,
): ts.SourceFile | undefined {
  if (fileName === GLOBALS) return sharedFile(ts, `${GLOBALS}#${globalsText}`, () => globalsText);
  return sharedFile(ts, fileName, () => readLib(fileName));
}

/** The globals declaration's file name in a program (see sharedSourceFile). */
export const SANDBOX_GLOBALS_FILE = GLOBALS;

export function readLib(fileName: string): string | undefined {
  try {
    return readFileSync(fileName, "utf8");
  } catch {
    return undefined;
  }
}

function createHost(ts: TypeScript, cell: ts.SourceFile, globalsText: string): ts.CompilerHost {
  const libDir = dirname(ts.getDefaultLibFilePath({}));
  return {
    getSourceFile: (fileName) => (fileName === CELL ? cell : sharedSourceFile(ts, fileName, globalsText)),
    getDefaultLibFileName: () => join(libDir, "lib.es2022.d.ts"),
    getDefaultLibLocation: () => libDir,
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (fileName) => fileName === CELL || fileName === GLOBALS || readLib(fileName) !== undefined,
    readFile: (fileName) => (fileName === CELL ? cell.text : readLib(fileName)),
  };
}

export interface TypeCheckResult {
  /** Error diagnostics of the cell that count (ignored codes removed), as "line:col TSxxxx message". */
  errors: string[];
  syntaxError: boolean;
  /** 1-based lines of the cell with a counted error. */
  errorLines: number[];
}

/** Type-checks one TS cell against the sandbox globals (plus `tools` and `extraDeclarations`). */
export async function typeCheckCell(code: string, config: TypeChecksOptions = {}): Promise<TypeCheckResult> {
  const ts = await loadTypeScript();
  const { strict, tools, extraDeclarations, ignoreCodes } = parseStrict(
    optionsSchema,
    config,
    "TypeChecks options",
  );
  // The trailing export makes the cell a module (top-level await allowed) without moving its lines.
  const cell = ts.createSourceFile(CELL, `${code}\nexport {};\n`, ts.ScriptTarget.ES2022, true);
  const toolDeclarations = tools.map((name) => `declare function ${name}(args?: any): Promise<any>;`);
  const globalsText = `${SANDBOX_GLOBALS_DTS}\n${toolDeclarations.join("\n")}\n${extraDeclarations}`;
  const program = ts.createProgram({
    rootNames: [CELL, GLOBALS],
    options: sandboxCompilerOptions(ts, strict),
    host: createHost(ts, cell, globalsText),
  });
  const syntactic = program.getSyntacticDiagnostics(cell);
  const ignored = new Set(ignoreCodes);
  const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(cell);
  const counted = diagnostics.filter(
    (d) => d.category === ts.DiagnosticCategory.Error && (syntactic.length > 0 || !ignored.has(d.code)),
  );
  const errorLines = new Set<number>();
  const errors = counted.map((d) => {
    const { line, character } = cell.getLineAndCharacterOfPosition(d.start ?? 0);
    errorLines.add(line + 1);
    return `${line + 1}:${character + 1} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
  return { errors, syntaxError: syntactic.length > 0, errorLines: [...errorLines].sort((a, b) => a - b) };
}

/**
 * TS cells: 1 without type errors; otherwise "all" (default) gives 0 and "fraction" gives
 * 1 - (lines with an error / non-blank lines), floored at 0. A syntax error gives 0 in both modes.
 * JS cells pass through with 1; actions without code score `nonCodeScore` (default 0).
 * Options: `strict` (default true), `tools` (names declared as `(args?: any) => Promise<any>`),
 * `extraDeclarations` (more ambient .d.ts text), `ignoreCodes` (default DEFAULT_IGNORED_CODES).
 */
export class TypeChecks extends Rubric {
  #config: TypeCheckConfig;
  /** The counted diagnostics of the last TS cell (for logs). */
  lastErrors: string[] = [];

  constructor(options: TypeChecksOptions = {}) {
    super();
    this.#config = parseStrict(optionsSchema, options, "TypeChecks options");
  }

  async forward(action: RubricAction, _observation: RubricObservation): Promise<number> {
    this.lastErrors = [];
    if (typeof action.code !== "string") return this.#config.nonCodeScore;
    if (action.language !== "ts") return 1;
    const result = await typeCheckCell(action.code, this.#config);
    this.lastErrors = result.errors;
    if (result.errors.length === 0) return 1;
    if (result.syntaxError || this.#config.mode === "all") return 0;
    const codeLines = action.code.split(/\r\n?|\n/).filter((line) => line.trim() !== "").length;
    return Math.max(0, 1 - result.errorLines.length / Math.max(1, codeLines));
  }

  protected override ownState(): JsonObject {
    return { ...this.#config, tools: [...this.#config.tools], ignoreCodes: [...this.#config.ignoreCodes] };
  }

  protected override loadOwnState(state: JsonObject): void {
    this.#config = parseStrict(optionsSchema.required(), state, "TypeChecks state");
  }
}
