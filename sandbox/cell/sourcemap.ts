/**
 * Positions in the generated cell script -> positions in the agent's own cell source.
 *
 * Two maps are involved: esbuild's (transpiled JS -> agent source) and the rewrite's (script ->
 * transpiled JS). Both are built lazily: a cell that raises no error never decodes a map.
 */
import remapping from "@jridgewell/remapping";
import { LEAST_UPPER_BOUND, originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import type MagicString from "magic-string";

/**
 * 1-based line and 1-based column (V8's stack convention) in, 1-based both out. Without a column
 * (engines that report lines only) the first mapped position on the line is used.
 */
export type PositionMapper = (line: number, column?: number) => { line: number; column: number } | undefined;

export interface MapperParts {
  /** esbuild's map, from the transpiled JS to the agent's source. */
  /** null when the rewritten code's input was the agent's own source (plain JS). */
  esbuildMap: string | null;
  /** Lines the rewrite put before the transpiled code (fast path: the only change). */
  headerLines: number;
  /** Lines of the transpiled code (positions past it belong to the rewrite's footer). */
  bodyLines: number;
  /** The rewrite's edits when there were any (slow path: compose the maps). */
  edited?: MagicString;
}

export function createPositionMapper(parts: MapperParts): PositionMapper {
  if (parts.esbuildMap === null && parts.edited === undefined) {
    // The script is the agent's source under a header: only the line moves.
    return (line, column) => {
      const own = line - parts.headerLines;
      return own < 1 || own > parts.bodyLines ? undefined : { line: own, column: column ?? 1 };
    };
  }
  let trace: TraceMap | undefined;
  const getTrace = (): TraceMap => {
    if (trace) return trace;
    if (parts.edited === undefined) {
      trace = new TraceMap(parts.esbuildMap as string);
    } else if (parts.esbuildMap === null) {
      trace = new TraceMap(parts.edited.generateMap({ hires: true, source: "cell.js" }).toString());
    } else {
      const rewriteMap = parts.edited.generateDecodedMap({ hires: true, source: "transpiled.js" });
      const composed = remapping(
        [
          {
            version: 3,
            sources: ["transpiled.js"],
            names: rewriteMap.names,
            mappings: rewriteMap.mappings,
          },
          parts.esbuildMap,
        ],
        () => null,
      );
      trace = new TraceMap(composed.toString());
    }
    return trace;
  };
  return (line, column) => {
    let genLine = line;
    if (parts.edited === undefined) {
      genLine = line - parts.headerLines;
      if (genLine < 1 || genLine > parts.bodyLines) return undefined;
    }
    const pos =
      column === undefined
        ? originalPositionFor(getTrace(), { line: genLine, column: 0, bias: LEAST_UPPER_BOUND })
        : originalPositionFor(getTrace(), { line: genLine, column: Math.max(0, column - 1) });
    if (pos.line === null || pos.column === null) return undefined;
    return { line: pos.line, column: pos.column + 1 };
  };
}

/** Returns a mapper for code that was not transformed (positions are already the agent's). */
export const identityMapper: PositionMapper = (line, column) => ({ line, column: column ?? 1 });

export interface MappedStack {
  stack: string;
  line?: number;
  column?: number;
}

const FRAME = /^\s+at\s/;
const MAX_FRAMES = 30;

/** A cell script the stack may mention: its engine filename, the name shown to the agent, its map. */
export interface CellScript {
  filename: string;
  displayName: string;
  mapper: PositionMapper;
}

const LOCATION = /\b(cell-\d+\.js):(\d+)(?::(\d+))?/g;
/**
 * isolated-vm evaluates cell scripts with eval (sandbox/engines/isolated-vm/child-isolate.ts), so
 * V8 names a cell's anonymous top-level function "eval": shown as the plain location, as when the
 * script was compiled on its own.
 */
const EVAL_FRAME = /^(\s+at )eval \((.*)\)$/;

/**
 * Rewrites `cell-N.js:line:col` in each frame to the agent's source as `cell-N.ts:line:col`
 * (earlier cells' frames too, when `resolve` still knows them); frames outside the cells (prelude,
 * engine) or in rewrite glue are dropped. The first frame in the current cell gives line/column.
 */
export function mapStack(
  stack: string,
  current: CellScript,
  resolve: (filename: string) => CellScript | undefined = () => undefined,
): MappedStack {
  const out: string[] = [];
  const frames: string[] = [];
  let first: { line: number; column: number } | undefined;
  for (const rawLine of stack.split("\n")) {
    if (!FRAME.test(rawLine)) {
      if (frames.length === 0) out.push(rawLine);
      continue;
    }
    let mapped = false;
    const text = rawLine.replace(LOCATION, (m, file: string, l: string, c: string | undefined) => {
      const script = file === current.filename ? current : resolve(file);
      const pos = script?.mapper(Number(l), c === undefined ? undefined : Number(c));
      if (script === undefined || pos === undefined) return m;
      mapped = true;
      if (script === current) first ??= pos;
      return c === undefined
        ? `${script.displayName}:${pos.line}`
        : `${script.displayName}:${pos.line}:${pos.column}`;
    });
    if (mapped) frames.push(text.replace(EVAL_FRAME, "$1$2"));
  }
  out.push(...collapseFrames(frames));
  const result: MappedStack = { stack: out.join("\n").trimEnd() };
  if (first) {
    result.line = first.line;
    result.column = first.column;
  }
  return result;
}

/** Deep recursion gives thousands of identical frames: keep the stack readable and bounded. */
function collapseFrames(frames: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < frames.length && out.length < MAX_FRAMES; ) {
    const frame = frames[i] as string;
    let j = i + 1;
    while (j < frames.length && frames[j] === frame) j++;
    out.push(frame);
    if (j - i > 1) out.push(`    ... ${j - i - 1} more identical frames`);
    i = j;
  }
  return out;
}
