/**
 * Stacks as a cell reads them itself (`err.stack`, `console.log(err)`): frames at the agent's own
 * cell lines (`cell-3.ts:2:7`), without the prelude's or the engine's frames.
 *
 * - V8 (isolated-vm): `Error.prepareStackTrace` is ours, defined before lockdown freezes `Error`
 *   (not writable, not configurable: agent code cannot replace it). Each `stack` is formatted from
 *   V8's call sites. A frame counts as a cell's only when its script is that cell's: the header of
 *   every cell calls `mark` first (rewrite.ts, CELL_MARK), which records the script hash of the
 *   calling frame; code a cell gives to `eval`/`Function` with a `//# sourceURL=` naming a cell,
 *   the prelude or the engine is shown as `<anonymous>`, neither mapped nor hidden. The raw
 *   stack (engine positions) is kept beside the mapped one for the host, which maps positions
 *   itself (sandbox/sourcemap.ts), so what the host reads of an error is what it was before.
 * - QuickJS: the engine writes `stack` when the error is made, with no hook; QuickJS ignores
 *   `//# sourceURL=`. Stacks are mapped where the prelude prints them (console, inspect).
 *
 * Positions come from the host per cell (sandbox/positions.ts), and esbuild's mappings are decoded
 * only for a cell whose frame a stack shows.
 */
import type { CellPositions } from "../cell/positions.ts";
import { A, type Any, apply, ErrorCtor, errorToString, O, RE, S } from "./intrinsics.ts";

let preludeMarker: string | null = null;
let preludeFile: string | null = null;

const FRAME_FILE = /\(?([^\s()]+?):\d+(?::\d+)?\)?\s*$/;
const V8 = typeof (ErrorCtor as Any).captureStackTrace === "function";
const captureStackTrace: ((target: object, ctor?: unknown) => void) | undefined = (ErrorCtor as Any)
  .captureStackTrace;
const ENGINE_FILE = "<isolated-vm>";
const MAX_CELLS = 200;

interface Cell {
  filename: string;
  display: string;
  positions: CellPositions | undefined;
  /** esbuild's mappings by generated line: [generatedColumn, sourceLine, sourceColumn]... */
  decoded?: number[][];
  /** V8: the hash of the cell's script, from its header's call to `mark`. */
  hash?: string;
}

const cells = new Map<string, Cell>();
/** The last MAX_CELLS filenames registered, as a ring (the oldest is forgotten first). */
const cellOrder: string[] = [];
let cellNext = 0;
/** The cell whose header has not called `mark` yet. */
let pending: Cell | undefined;
/** V8: script hashes of the prelude and the engine's scripts, learned from genuine stacks. */
const internalHashes: string[] = [];
const rawStacks = new WeakMap<object, { mapped: string; raw: string }>();
const weakGet = WeakMap.prototype.get;
const weakSet = WeakMap.prototype.set;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;
/** The prototype of V8's call sites: what the hook gets from V8 and never from agent code. */
let callSiteProto: object | undefined;
/** What the next call of the hook is for (a probe of the prelude, or a cell's mark). */
let learning: "prelude" | Cell | undefined;

/** Call from a function defined in the prelude; remembers the file the frame points to. */
export function learnPreludeFile(): void {
  installHook();
  let stack = "";
  learning = "prelude";
  try {
    throw new ErrorCtor("probe");
  } catch (e) {
    stack = S.String((e as Error).stack ?? "");
  }
  learning = undefined;
  const lines = S.split(stack, "\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!S.includes(line, " at ")) continue;
    const m = FRAME_FILE.exec(line);
    if (m?.[1] !== undefined && m[1] !== "native" && m[1] !== "<anonymous>") {
      preludeFile = m[1];
      preludeMarker = `${m[1]}:`;
      return;
    }
  }
}

/** Drops frames located in the prelude (cell frames and native frames stay). */
export function cleanStack(stack: string): string {
  if (preludeMarker === null) return stack;
  const marker = preludeMarker;
  const lines = S.split(stack, "\n");
  const kept = A.filter(lines, (line) => !(S.includes(line, " at ") && S.includes(line, marker)));
  return A.join(kept, "\n");
}

/** The runner, before a cell runs: how to show its frames. */
export function registerCell(filename: string, display: string, positions: CellPositions | undefined): void {
  const cell: Cell = { filename, display, positions };
  if (apply(mapGet, cells, [filename]) === undefined) {
    const forgotten = cellOrder[cellNext];
    if (forgotten !== undefined) apply(mapDelete, cells, [forgotten]);
    cellOrder[cellNext] = filename;
    cellNext = (cellNext + 1) % MAX_CELLS;
  }
  apply(mapSet, cells, [filename, cell]);
  pending = cell;
}

/**
 * Passed to the cell body, whose header calls it before the agent's code (see CELL_MARK). The agent
 * can reach it (a parameter of its cell): frozen, and a no-op once the header has called it.
 */
export const cellMark = O.freeze((): void => {
  const cell = pending;
  pending = undefined;
  if (cell === undefined || captureStackTrace === undefined) return;
  const holder: Any = {};
  learning = cell;
  try {
    apply(captureStackTrace, ErrorCtor, [holder, cellMark]);
    void holder.stack;
  } catch {}
  learning = undefined;
});

/** The stack the host gets for an error: the engine's positions, when the hook made `stack`. */
export function rawStackOf(error: unknown, stack: unknown): unknown {
  if (error === null || typeof error !== "object") return stack;
  const entry = apply(weakGet, rawStacks, [error]) as { mapped: string; raw: string } | undefined;
  return entry !== undefined && entry.mapped === stack ? entry.raw : stack;
}

/** QuickJS: maps the frames of a stack text (V8's stacks are mapped when made). */
export function mapStackText(stack: string): string {
  if (V8 || cellOrder.length === 0 || !S.includes(stack, " at ")) return stack;
  const lines = S.split(stack, "\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!isFrameLine(line)) {
      A.push(out, line);
      continue;
    }
    const file = frameFile(line);
    if (isInternalFile(file)) continue;
    // A built-in the prelude called (`apply` starting the cell): its caller is the prelude's,
    // or was already cut (cleanStack) so that nothing follows it.
    const next = lines[i + 1];
    const nextIsFrame = next !== undefined && isFrameLine(next);
    if (S.includes(line, "(native)") && (!nextIsFrame || isInternalFile(frameFile(next as string)))) continue;
    const cell = file === undefined ? undefined : (apply(mapGet, cells, [file]) as Cell | undefined);
    if (cell === undefined) {
      A.push(out, line);
      continue;
    }
    const mapped = mapFrameText(line, cell);
    if (mapped !== undefined) A.push(out, mapped);
  }
  return A.join(out, "\n");
}

/** A frame line, also when printed after other text (`console.log("#", err.stack)`). */
function isFrameLine(line: string): boolean {
  return RE.test(FRAME_LINE, line);
}

const FRAME_LINE = /(?:^|\s)at (?:.*[\s(])?(?:[^\s()]+:\d+(?::\d+)?|native)\)?\s*$/;

function frameFile(line: string): string | undefined {
  const m = FRAME_FILE.exec(line);
  return m?.[1];
}

function isInternalFile(file: string | undefined): boolean {
  return file !== undefined && (file === preludeFile || file === ENGINE_FILE);
}

const LOCATION = /([^\s()]+):(\d+):(\d+)(\)?)\s*$/;

/** `    at f (cell-2.js:4:3)` -> `    at f (cell-2.ts:3:3)`; undefined for the rewrite's glue. */
function mapFrameText(line: string, cell: Cell): string | undefined {
  const m = LOCATION.exec(line);
  if (m === null) return line;
  const pos = mapPosition(cell, +(m[2] as string), +(m[3] as string));
  if (pos === undefined) return undefined;
  const head = S.slice(line, 0, m.index);
  const text = `${head}${cell.display}:${pos[0]}:${pos[1]}${m[4]}`;
  // V8 names a cell's top level "eval" (the engine evaluates the script): shown as a location.
  return S.replace(text, /^(\s+at )eval \((.*)\)$/, "$1$2");
}

/** 1-based line and column in the script -> in the agent's source. */
function mapPosition(cell: Cell, line: number, column: number): [number, number] | undefined {
  const positions = cell.positions;
  if (positions === undefined) return [line, column];
  const t = positions.rewrite;
  let k = -1;
  for (let i = 0; i + 4 < t.length; i += 5) {
    const l = t[i] as number;
    if (l < line || (l === line && (t[i + 1] as number) <= column - 1)) k = i;
    else break;
  }
  if (k < 0 || t[k + 2] === 0) return undefined;
  let tl = t[k + 2] as number;
  let tc = t[k + 3] as number;
  if (t[k + 4] === 1) {
    if (t[k] === line) tc += column - 1 - (t[k + 1] as number);
    else {
      tl += line - (t[k] as number);
      tc = column - 1;
    }
  }
  if (positions.mappings === undefined) return [tl, tc + 1];
  cell.decoded ??= decodeMappings(positions.mappings);
  const segments = cell.decoded[tl - 1];
  if (segments === undefined || segments.length === 0) return undefined;
  let best = 0;
  for (let i = 0; i < segments.length; i += 3) if ((segments[i] as number) <= tc) best = i;
  return [(segments[best + 1] as number) + 1, (segments[best + 2] as number) + 1];
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Source map VLQ mappings -> per generated line, [generatedColumn, sourceLine, sourceColumn]... */
function decodeMappings(mappings: string): number[][] {
  const lines: number[][] = [];
  let current: number[] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  let genColumn = 0;
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  const flush = (): void => {
    if (fields.length >= 4) {
      genColumn += fields[0] as number;
      sourceLine += fields[2] as number;
      sourceColumn += fields[3] as number;
      A.push(current, genColumn, sourceLine, sourceColumn);
    } else if (fields.length >= 1) genColumn += fields[0] as number;
    fields.length = 0;
  };
  for (let i = 0; i < mappings.length; i++) {
    const ch = mappings[i] as string;
    if (ch === ";" || ch === ",") {
      flush();
      if (ch === ";") {
        A.push(lines, current);
        current = [];
        genColumn = 0;
      }
      continue;
    }
    const digit = S.indexOf(B64, ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      A.push(fields, value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  flush();
  A.push(lines, current);
  return lines;
}

/** V8 only: installs the hook (once per realm, before lockdown freezes Error). */
function installHook(): void {
  if (!V8 || (ErrorCtor as Any).prepareStackTrace === prepareStackTrace) return;
  O.defineProperty(ErrorCtor, "prepareStackTrace", {
    value: prepareStackTrace,
    writable: false,
    enumerable: false,
    configurable: false,
  });
}

function prepareStackTrace(error: unknown, callSites: Any[]): string {
  if (learning !== undefined) return learn(callSites);
  let header = "Error";
  try {
    header = errorToString(error);
  } catch {}
  let raw = header;
  let mapped = header;
  let genuine = callSiteProto !== undefined && A.isArray(callSites);
  try {
    for (let i = 0; i < callSites.length; i++) {
      const site = callSites[i];
      if (O.getPrototypeOf(site) !== callSiteProto) genuine = false;
      const text = S.String(site);
      raw += `\n    at ${text}`;
      const shown = showFrame(site, text, callSites[i + 1]);
      if (shown !== undefined) mapped += `\n    at ${shown}`;
    }
  } catch {
    return raw;
  }
  if (genuine && error !== null && typeof error === "object") {
    apply(weakSet, rawStacks, [error, { mapped, raw }]);
  }
  return mapped;
}

/** How one V8 frame is shown: mapped (a cell's), dropped (internal), or renamed (a claimed name). */
function showFrame(site: Any, text: string, caller: Any): string | undefined {
  const file = site.getScriptNameOrSourceURL() as unknown;
  if (typeof file !== "string" || file === "") {
    // A built-in (Array.map, Reflect.apply, ...): hidden when the prelude called it.
    if (caller !== undefined && isInternalSite(caller, caller.getScriptNameOrSourceURL())) return undefined;
    return text;
  }
  if (isInternalSite(site, file)) return undefined;
  const cell = apply(mapGet, cells, [file]) as Cell | undefined;
  if (cell !== undefined && cell.hash !== undefined && site.getScriptHash() === cell.hash) {
    const shown = mapFrameText(`    at ${text}`, cell);
    return shown === undefined ? undefined : S.slice(shown, 7);
  }
  if (cell !== undefined || file === preludeFile || file === ENGINE_FILE) {
    // Someone else's script under a cell's or the prelude's name: shown, but by no one's name.
    return S.replace(text, file, "<anonymous>");
  }
  return text;
}

function isInternalSite(site: Any, file: unknown): boolean {
  if (file !== preludeFile && file !== ENGINE_FILE) return false;
  return A.indexOf(internalHashes, site.getScriptHash()) !== -1;
}

/**
 * The hook's call for the prelude's probe or a cell's mark: learns what genuine frames are. The
 * probe gets the engine's own format back (learnPreludeFile reads the prelude's file name in it).
 */
function learn(callSites: Any[]): string {
  const what = learning;
  learning = undefined;
  let raw = "Error: probe";
  try {
    const first = callSites[0];
    if (first === undefined) return raw;
    for (let i = 0; i < callSites.length; i++) raw += `\n    at ${S.String(callSites[i])}`;
    callSiteProto ??= O.getPrototypeOf(first);
    const from = what === "prelude" ? 0 : 1;
    if (what !== "prelude" && what !== undefined) what.hash = first.getScriptHash();
    // Below a cell's top level there are only the prelude's and the engine's frames; the probe's
    // frames are the prelude's and the engine's too.
    for (let i = from; i < callSites.length; i++) {
      const hash = callSites[i].getScriptHash();
      if (A.indexOf(internalHashes, hash) === -1) A.push(internalHashes, hash);
    }
  } catch {}
  return raw;
}
