/**
 * esbuild transform of one cell (ts|js -> es2022 JS plus a source map). Syntax errors are results
 * with a line/column in the agent's own source, never exceptions.
 *
 * esbuild's transform is ~1 ms, almost all of it IPC to the esbuild service, so identical sources
 * (retries, benchmarks, the same tests graded for many completions) come from a small LRU.
 * `keepNames` is deliberately off: without minification names are already kept by the language,
 * and keepNames injects `__name`/`__defProp` helper declarations that would become session globals.
 */
import { type TransformFailure, transform } from "esbuild";
import type { ExecError, Language } from "../types.ts";

export interface TranspileOk {
  ok: true;
  code: string;
  /** esbuild's source map (JSON) from `code` back to the agent's source; null when `code` is the source. */
  map: string | null;
}
export interface TranspileFail {
  ok: false;
  error: ExecError;
}
export type TranspileResult = TranspileOk | TranspileFail;

const CACHE_SIZE = 256;
const cache = new Map<string, TranspileResult>();

export async function transpile(source: string, language: Language): Promise<TranspileResult> {
  const key = `${language}\0${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // Plain JS needs no transform: the REPL rewrite parses it (acorn reports syntax errors with the
  // agent's own positions), and skipping esbuild saves its ~1 ms IPC round trip per cell. It is
  // still cached, so the rewrite cache (keyed by this object) hits for repeated cells.
  const result: TranspileResult =
    language === "js" ? { ok: true, code: source, map: null } : await transpileUncached(source, language);
  // An esbuild failure is not a fact about the source: never cache it.
  if (!result.ok && result.error.kind === "infra") return result;
  cache.set(key, result);
  if (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return result;
}

async function transpileUncached(source: string, language: Language): Promise<TranspileResult> {
  try {
    const out = await transform(source, {
      loader: language,
      sourcemap: "external",
      target: "es2022",
      sourcefile: language === "ts" ? "cell.ts" : "cell.js",
      logLevel: "silent",
      // Plain script semantics: no "use strict" injection, no module format conversion.
      supported: { "top-level-await": true },
    });
    return { ok: true, code: out.code, map: out.map };
  } catch (err) {
    return { ok: false, error: syntaxErrorFrom(err) };
  }
}

function syntaxErrorFrom(err: unknown): ExecError {
  const errors = (err as Partial<TransformFailure>).errors;
  if (!Array.isArray(errors)) {
    // Not a syntax error: esbuild itself failed (e.g. its service process died). Not the agent's fault.
    const why = err instanceof Error ? err.message : String(err);
    return { kind: "infra", name: "InfraError", message: `the transpiler failed: ${why}` };
  }
  const first = errors[0];
  if (first === undefined) {
    return { kind: "syntax", name: "SyntaxError", message: "the cell could not be transpiled" };
  }
  const error: ExecError = { kind: "syntax", name: "SyntaxError", message: first.text };
  const loc = first.location;
  if (loc) {
    error.line = loc.line;
    error.column = utf16Column(loc.lineText, loc.column) + 1;
    error.message = `${first.text} (${error.line}:${error.column})`;
  }
  return error;
}

/** esbuild columns count UTF-8 bytes; the agent's editor counts UTF-16 units. */
function utf16Column(lineText: string, byteColumn: number): number {
  const bytes = Buffer.from(lineText, "utf8");
  if (bytes.length === lineText.length) return byteColumn;
  return bytes.subarray(0, byteColumn).toString("utf8").length;
}

/** For tests and benchmarks. */
export function clearTranspileCache(): void {
  cache.clear();
}
