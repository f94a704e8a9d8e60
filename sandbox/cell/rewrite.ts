/**
 * REPL semantics by rewriting a transpiled cell into a script whose completion value is the cell
 * body as an async arrow function:
 *
 *   var a, f, C;(async () => {
 *   f = function f() {...};        <- function declarations, moved first (hoisting still works)
 *   (a = 1);                       <- let/const/var initialisations become assignments
 *   C = class C {...};
 *   return { value: (a + 1) };     <- the last expression statement, wrapped so "no value" differs
 *   })                                from `undefined`
 *
 * Top-level names live on the session's global object, so a later cell sees them and may declare
 * them again. Nothing but the header line is added when the cell has nothing to rewrite, so the
 * fast path maps positions by a line offset only. A sealed (`strict`) cell keeps its declarations
 * local instead (see RewriteOptions.strict).
 */
import { type Node, Parser, type Pattern, type Program, type Statement } from "acorn";
import MagicString from "magic-string";
import type { ExecError } from "../types.ts";
import { type CellPositions, editedPositions, headerOnlyPositions } from "./positions.ts";
import { createPositionMapper, type PositionMapper } from "./sourcemap.ts";
import type { TranspileOk } from "./transpile.ts";

export interface RewriteOptions {
  /**
   * A sealed cell (grading's tests): "use strict" body, and its top-level declarations stay local
   * to the body instead of going to the global object, so nothing earlier code defined on the
   * global (a read-only or accessor property of the same name) can intercept them.
   */
  strict?: boolean;
}

export interface RewriteOk {
  ok: true;
  code: string;
  /** Top-level names the cell declares (hoisted onto the global object). */
  declared: string[];
  mapper: PositionMapper;
  /** What the prelude needs to show stacks the cell reads itself at the agent's lines. */
  positions: CellPositions;
}
export interface RewriteFail {
  ok: false;
  error: ExecError;
}
export type RewriteResult = RewriteOk | RewriteFail;

const MODULES_MESSAGE = "modules are not available; use require('assert') or the provided tools";

/** Keyed by transpile results, which are themselves cached: a repeated cell is rewritten once. */
const cache = new WeakMap<TranspileOk, Map<boolean, RewriteResult>>();

export function rewriteCell(input: TranspileOk, options: RewriteOptions = {}): RewriteResult {
  const strict = options.strict === true;
  let byMode = cache.get(input);
  if (byMode === undefined) {
    byMode = new Map();
    cache.set(input, byMode);
  }
  let result = byMode.get(strict);
  if (result === undefined) {
    result = rewriteUncached(input, strict);
    byMode.set(strict, result);
  }
  return result;
}

/** A cell's JS as the rewrite reads it (a script with top-level await); throws on a syntax error. */
export function parseCell(code: string): Program {
  return Parser.parse(code, {
    ecmaVersion: "latest",
    sourceType: "script",
    allowAwaitOutsideFunction: true,
    allowReturnOutsideFunction: false,
    allowHashBang: true,
  });
}

function rewriteUncached(input: TranspileOk, strictOption: boolean): RewriteResult {
  let program: Program;
  try {
    program = parseCell(input.code);
  } catch (err) {
    return { ok: false, error: parseError(err, input) };
  }
  const plan = planEdits(program, strictOption);
  const published = strictOption ? sealedFunctionNames(program) : [];
  const header = buildHeader(plan.declared, strictOption || hasUseStrict(program), published);
  const bodyLines = countLines(input.code);
  if (!plan.edits) {
    const code = `${header}\n${input.code}\n})`;
    const mapper = createPositionMapper({ esbuildMap: input.map, headerLines: 1, bodyLines });
    return { ok: true, code, declared: plan.declared, mapper, positions: headerOnlyPositions(input.map) };
  }
  const ms = new MagicString(input.code);
  applyEdits(ms, program, plan);
  ms.prepend(`${header}\n`);
  ms.append("\n})");
  const mapper = createPositionMapper({ esbuildMap: input.map, headerLines: 1, bodyLines, edited: ms });
  const positions = editedPositions(ms, input.map);
  return { ok: true, code: ms.toString(), declared: plan.declared, mapper, positions };
}

interface Plan {
  declared: string[];
  functions: Node[];
  edits: boolean;
  sealed: boolean;
}

function planEdits(program: Program, sealed: boolean): Plan {
  const names = new Set<string>();
  const functions: Node[] = [];
  let edits = false;
  for (const stmt of sealed ? [] : program.body) {
    if (stmt.type === "VariableDeclaration") {
      for (const d of stmt.declarations) collectPatternNames(d.id, names);
      edits = true;
    } else if (stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration") {
      names.add(stmt.id.name);
      if (stmt.type === "FunctionDeclaration") functions.push(stmt);
      edits = true;
    }
  }
  if (lastExpression(program)) edits = true;
  return { declared: [...names], functions, edits, sealed };
}

function applyEdits(ms: MagicString, program: Program, plan: Plan): void {
  for (const stmt of plan.sealed ? [] : program.body) {
    if (stmt.type === "VariableDeclaration") {
      const decls = stmt.declarations;
      const first = decls[0];
      const last = decls[decls.length - 1];
      if (first === undefined || last === undefined) continue;
      for (const d of decls) {
        if (d.init) continue;
        if (stmt.kind === "var") ms.overwrite(d.start, d.end, "void 0");
        else ms.appendLeft(d.id.end, " = void 0");
      }
      // A leading ";": the original relied on ASI before `const`, which a "(" would not get.
      ms.overwrite(stmt.start, first.start, ";(");
      ms.appendLeft(last.end, ");");
    } else if (stmt.type === "ClassDeclaration") {
      ms.prependRight(stmt.start, `${stmt.id.name} = `);
      ms.appendLeft(stmt.end, ";");
    }
  }
  for (const fn of plan.functions) {
    const name = (fn as Node & { id: { name: string } }).id.name;
    ms.prependRight(fn.start, `${name} = `);
    ms.appendLeft(fn.end, ";");
    if (fn.start !== 0) ms.move(fn.start, fn.end, 0);
  }
  const stmt = lastExpression(program);
  if (stmt) {
    // The statement, not its expression: `({ a: 1 });` keeps its parentheses inside the return.
    const end = ms.original[stmt.end - 1] === ";" ? stmt.end - 1 : stmt.end;
    ms.prependRight(stmt.start, "return { value: (");
    ms.appendLeft(end, ") }");
  }
}

function lastExpression(program: Program): Node | undefined {
  for (let i = program.body.length - 1; i >= 0; i--) {
    const stmt = program.body[i] as Statement;
    if (stmt.type === "EmptyStatement") continue;
    return stmt.type === "ExpressionStatement" ? stmt : undefined;
  }
  return undefined;
}

function hasUseStrict(program: Program): boolean {
  for (const stmt of program.body) {
    if (stmt.type !== "ExpressionStatement" || stmt.directive === undefined) return false;
    if (stmt.directive === "use strict") return true;
  }
  return false;
}

function collectPatternNames(pattern: Pattern, names: Set<string>): void {
  switch (pattern.type) {
    case "Identifier":
      names.add(pattern.name);
      return;
    case "ObjectPattern":
      for (const prop of pattern.properties) {
        collectPatternNames(prop.type === "RestElement" ? prop.argument : prop.value, names);
      }
      return;
    case "ArrayPattern":
      for (const el of pattern.elements) if (el) collectPatternNames(el, names);
      return;
    case "RestElement":
      collectPatternNames(pattern.argument, names);
      return;
    case "AssignmentPattern":
      collectPatternNames(pattern.left, names);
      return;
    default:
      return;
  }
}

/** Top-level function declarations of a sealed cell (they are hoisted, so usable at its start). */
function sealedFunctionNames(program: Program): string[] {
  const names: string[] = [];
  for (const stmt of program.body) if (stmt.type === "FunctionDeclaration") names.push(stmt.id.name);
  return names;
}

/**
 * A sealed cell's function declarations stay local (its own code binds to them), and are also
 * published on the global object: in one script they would be hoisted, and programs written for
 * that call them (e.g. an MBXP solution sorting with the tests' `compare`). A global the program
 * made non-configurable is assigned if writable and otherwise left alone: that only hurts the program.
 */
function publishFunctions(names: readonly string[]): string {
  if (names.length === 0) return "";
  const pairs = names.map((n) => `[${JSON.stringify(n)},${n}]`).join(",");
  return `for(const[n,v]of[${pairs}]){const d=Object.getOwnPropertyDescriptor(globalThis,n);if(!d||d.configurable)Object.defineProperty(globalThis,n,{value:v,writable:true,configurable:true});else if(d.writable&&"value"in d)globalThis[n]=v;}`;
}

/**
 * The name of the cell body's one parameter: the runner passes a function the header calls first,
 * so the prelude learns which script is this cell's before any of the agent's code runs (see
 * prelude/stack.ts: a frame claiming a cell's filename from elsewhere, e.g. code given to eval
 * with a `//# sourceURL=`, is then told apart). Calling it again later does nothing.
 */
export const CELL_MARK = "__codeact_cell__";

/** One line, so that the fast path maps by a line offset. */
function buildHeader(declared: string[], strict: boolean, published: readonly string[] = []): string {
  const vars = declared.length > 0 ? `var ${declared.join(", ")};` : "";
  const directive = strict ? '"use strict";' : "";
  return `${vars}(async (${CELL_MARK}) => {${directive}${CELL_MARK}?.();${lockedCheck(declared)}${publishFunctions(published)}`;
}

/**
 * Names the sandbox's global object may already hold (the language's globals, V8's and QuickJS's
 * extras, the prelude's): only a declaration of one of these needs the check below, which then
 * asks the sandbox itself. Names of the episode's tools are left out: they are locked only while
 * grading.
 */
const SANDBOX_GLOBALS: ReadonlySet<string> = new Set(
  (
    "globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt decodeURI " +
    "decodeURIComponent encodeURI encodeURIComponent escape unescape AggregateError Array " +
    "ArrayBuffer BigInt BigInt64Array BigUint64Array Boolean DataView Date Error EvalError " +
    "FinalizationRegistry Float16Array Float32Array Float64Array Function Int8Array Int16Array " +
    "Int32Array Iterator Map Number Object Promise Proxy RangeError ReferenceError RegExp Set " +
    "String Symbol SyntaxError TypeError Uint8Array Uint8ClampedArray Uint16Array Uint32Array " +
    "URIError WeakMap WeakRef WeakSet JSON Math Reflect Intl SuppressedError DisposableStack " +
    "AsyncDisposableStack console performance setTimeout clearTimeout setImmediate " +
    "clearImmediate queueMicrotask structuredClone describe test it xit xtest xdescribe fit " +
    "fdescribe beforeAll afterAll beforeEach afterEach expect jest assert require"
  ).split(" "),
);

/**
 * Top-level declarations become properties of the global object, and the sandbox's own globals
 * (built-ins, timers, console, ...) are locked there (lockdown.ts): assigning one would be ignored
 * in sloppy code, and the cell would silently use the built-in. A cell that declares such a name
 * fails at once instead, saying so.
 */
function lockedCheck(declared: readonly string[]): string {
  const suspects = declared.filter((name) => SANDBOX_GLOBALS.has(name));
  if (suspects.length === 0) return "";
  return `for (const n of ${JSON.stringify(suspects)}) { const d = Object.getOwnPropertyDescriptor(globalThis, n); if (d !== undefined && !d.configurable && (d.writable === false || !("value" in d))) throw new SyntaxError("Identifier '" + n + "' has already been declared: it is one of the sandbox's globals, which are locked (rename it, or declare it inside a function or block)"); }`;
}

function countLines(code: string): number {
  let n = 1;
  for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) n++;
  return n;
}

function parseError(err: unknown, input: TranspileOk): ExecError {
  const e = err as { message?: string; loc?: { line: number; column: number } };
  let message = String(e.message ?? "invalid syntax").replace(/ \(\d+:\d+\)$/, "");
  if (/'import' and 'export'|import\.meta/.test(message)) message = MODULES_MESSAGE;
  const error: ExecError = { kind: "syntax", name: "SyntaxError", message };
  if (e.loc) {
    const mapper = createPositionMapper({ esbuildMap: input.map, headerLines: 0, bodyLines: Infinity });
    const pos = mapper(e.loc.line, e.loc.column + 1);
    if (pos) {
      error.line = pos.line;
      error.column = pos.column;
      error.message = `${message} (${pos.line}:${pos.column})`;
    }
  }
  return error;
}
