/**
 * The positions table a cell script takes into the sandbox, so that the prelude can show a stack
 * the cell reads itself (`err.stack`, `console.log(err)`) at the agent's own lines (see
 * prelude/stack.ts). It must cost next to nothing per cell, since most cells never format a
 * stack: no source map is generated or composed here (that costs ~35-150 µs per cell). The
 * rewrite's part is read off its edit list (one entry per MagicString chunk); esbuild's part is
 * its map's `mappings` as esbuild wrote them, decoded in the sandbox only when a stack needs it.
 */
import type MagicString from "magic-string";

/**
 * `rewrite`: flat groups of 5 numbers `scriptLine, scriptColumn, line, column, exact` (1-based
 * lines, 0-based columns), in script order. From a group's script position to the next one, an
 * exact group maps character for character to the transpiled code; an inexact one (text the
 * rewrite wrote) maps to its one position; line 0 means rewrite glue (no position of the agent's).
 * `mappings`: esbuild's VLQ mappings from the transpiled code to the agent's TS (absent for JS).
 */
export interface CellPositions {
  rewrite: number[];
  mappings?: string;
}

/** MagicString's chunk list (stable since magic-string 0.x); read, never written. */
interface Chunk {
  start: number;
  intro: string;
  content: string;
  outro: string;
  edited: boolean;
  next: Chunk | null;
}

/** The fast path: a one-line header, then the transpiled code unchanged. */
export function headerOnlyPositions(esbuildMap: string | null): CellPositions {
  return withMappings({ rewrite: [1, 0, 0, 0, 0, 2, 0, 1, 0, 1] }, esbuildMap);
}

/** The edited path: walks the chunks in output order, tracking the script position. */
export function editedPositions(ms: MagicString, esbuildMap: string | null): CellPositions {
  const internal = ms as unknown as { intro: string; firstChunk: Chunk; original: string };
  const lineStarts = lineStartsOf(internal.original);
  const out: number[] = [];
  let line = 1;
  let column = 0;
  const advance = (text: string): void => {
    const last = text.lastIndexOf("\n");
    if (last === -1) {
      column += text.length;
      return;
    }
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) line++;
    column = text.length - last - 1;
  };
  const push = (offset: number, exact: boolean): void => {
    if (offset < 0) {
      out.push(line, column, 0, 0, 0);
      return;
    }
    const [l, c] = lineAndColumn(lineStarts, offset);
    out.push(line, column, l, c, exact ? 1 : 0);
  };
  push(-1, false);
  advance(internal.intro);
  for (let chunk: Chunk | null = internal.firstChunk; chunk !== null; chunk = chunk.next) {
    if (chunk.intro !== "") {
      push(chunk.start, false);
      advance(chunk.intro);
    }
    if (chunk.content !== "") {
      push(chunk.start, !chunk.edited);
      advance(chunk.content);
    }
    if (chunk.outro !== "") {
      push(chunk.start + (chunk.edited ? 0 : chunk.content.length), false);
      advance(chunk.outro);
    }
  }
  push(-1, false);
  return withMappings({ rewrite: out }, esbuildMap);
}

/** esbuild writes its maps pretty-printed (`"mappings": "..."`). */
const MAPPINGS_KEY = '"mappings": "';

/**
 * esbuild's `mappings`, read without parsing the map (its sourcesContent makes JSON.parse the
 * dearest step here). The key cannot occur inside a JSON string: a `"` there is escaped.
 */
function withMappings(positions: CellPositions, esbuildMap: string | null): CellPositions {
  if (esbuildMap === null) return positions;
  const at = esbuildMap.lastIndexOf(MAPPINGS_KEY);
  const end = at === -1 ? -1 : esbuildMap.indexOf('"', at + MAPPINGS_KEY.length);
  if (end !== -1) {
    positions.mappings = esbuildMap.slice(at + MAPPINGS_KEY.length, end);
    return positions;
  }
  const mappings = (JSON.parse(esbuildMap) as { mappings?: unknown }).mappings;
  if (typeof mappings === "string") positions.mappings = mappings;
  return positions;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineAndColumn(lineStarts: readonly number[], offset: number): [number, number] {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return [lo + 1, offset - (lineStarts[lo] as number)];
}
