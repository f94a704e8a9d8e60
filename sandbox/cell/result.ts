/**
 * RawCellResult (engine) -> ExecResult (agent): error kinds, exit codes, mapped stacks, the
 * output-limit marker.
 */

import type { RawCellResult, RunnerResult } from "../engines/contract.ts";
import type { ErrorKind, ExecError, ExecResult, Limits, Usage } from "../types.ts";
import { BOUNDS, boundCases, clip } from "./bounds.ts";
import { type CellScript, mapStack } from "./sourcemap.ts";

export const EXIT_CODES: Readonly<Record<ErrorKind | "ok", number>> = {
  ok: 0,
  syntax: 1,
  type: 1,
  runtime: 1,
  output_limit: 1,
  source_limit: 1,
  stack_overflow: 1,
  timeout: 124,
  memory: 137,
  crash: 139,
  infra: 70,
};

export const ZERO_USAGE: Usage = { wall_ms: 0, cpu_ms: 0, heap_bytes: 0 };

const STACK_OVERFLOW = /Maximum call stack size exceeded|stack overflow|too much recursion/i;

export interface CellContext extends CellScript {
  limits: Limits;
  /** Earlier cells of the session, for frames of functions they defined. */
  resolve?: (filename: string) => CellScript | undefined;
}

/** A result for an error found before the engine ran (source size, syntax). */
export function errorResult(error: ExecError, usage: Usage = ZERO_USAGE): ExecResult {
  return { ok: false, stdout: "", stderr: "", exit_code: EXIT_CODES[error.kind], error, usage };
}

export function shapeResult(raw: RawCellResult, cell: CellContext): ExecResult {
  const usage: Usage = {
    wall_ms: round(raw.usage.wallMs),
    cpu_ms: round(raw.usage.cpuMs),
    heap_bytes: raw.usage.heapBytes,
  };
  const rr = raw.runnerResult;
  const result: ExecResult = {
    ok: true,
    stdout: rr?.stdout ?? "",
    stderr: rr?.stderr ?? "",
    exit_code: 0,
    usage,
  };
  if (rr?.tests) result.tests = rr.tests;
  if (raw.stateLost) result.state_lost = true;
  const error = raw.status === "completed" ? completedError(rr, cell) : statusError(raw, cell);
  if (rr?.outputLimitHit) {
    result.stdout += `\n…[output truncated: stdout+stderr exceeded ${cell.limits.outputLimitBytes} bytes]\n`;
  }
  if (error) {
    result.ok = false;
    result.error = error;
    result.exit_code = EXIT_CODES[error.kind];
    if (error.kind === "memory") result.state_lost = true;
  } else if (rr?.value !== undefined) {
    result.value = rr.value;
  }
  return bounded(result);
}

/** Every part of the result past stdout/stderr cut to its bound (bounds.ts), whatever the engine gave. */
function bounded(result: ExecResult): ExecResult {
  const e = result.error;
  if (e !== undefined) {
    e.name = clip(e.name, BOUNDS.errorNameChars);
    e.message = clip(e.message, BOUNDS.errorMessageChars);
    if (e.stack !== undefined) e.stack = clip(e.stack, BOUNDS.errorStackChars);
  }
  if (result.value !== undefined) result.value = clip(result.value, BOUNDS.valueChars);
  if (result.tests !== undefined) result.tests = { ...result.tests, cases: boundCases(result.tests.cases) };
  return result;
}

function completedError(rr: RunnerResult | undefined, cell: CellContext): ExecError | undefined {
  if (rr === undefined) {
    return { kind: "infra", name: "InfraError", message: "the engine returned no result for the cell" };
  }
  if (rr.outputLimitHit) {
    return {
      kind: "output_limit",
      name: "OutputLimitError",
      message: `output exceeded ${cell.limits.outputLimitBytes} bytes; the cell was stopped`,
    };
  }
  if (rr.stuck && !rr.error) {
    return {
      kind: "runtime",
      name: "Error",
      message:
        "the cell awaited a promise that can never settle (nothing left to run: no timer, no tool call)",
    };
  }
  if (!rr.error) return undefined;
  const { name, message } = rr.error;
  const kind: ErrorKind =
    STACK_OVERFLOW.test(message) && /RangeError|InternalError/.test(name) ? "stack_overflow" : "runtime";
  return withStack({ kind, name, message }, rr.error.stack, cell);
}

function statusError(raw: RawCellResult, cell: CellContext): ExecError {
  const { limits } = cell;
  switch (raw.status) {
    case "timeout":
      return {
        kind: "timeout",
        name: "TimeoutError",
        message: raw.stateLost
          ? `the cell exceeded the wall-clock limit of ${limits.timeoutMs} ms; the sandbox stopped answering and was replaced, so the state of earlier cells is lost`
          : `the cell exceeded the wall-clock limit of ${limits.timeoutMs} ms and was stopped`,
      };
    case "cpu_timeout":
      return {
        kind: "timeout",
        name: "TimeoutError",
        message: `the cell exceeded the CPU time limit of ${limits.cpuTimeMs} ms and was stopped`,
      };
    case "memory":
      return {
        kind: "memory",
        name: "MemoryError",
        message: `the cell exceeded the memory limit of ${limits.memoryLimitBytes} bytes; the session was replaced and the state of earlier cells is lost`,
      };
    case "compile_error": {
      const e = raw.error ?? { name: "SyntaxError", message: "the cell could not be compiled" };
      const kind: ErrorKind = e.name === "SyntaxError" ? "syntax" : "runtime";
      return withStack({ kind, name: e.name, message: e.message }, e.stack, cell);
    }
    default:
      return {
        kind: "infra",
        name: "InfraError",
        message: `the sandbox failed and was replaced${raw.error ? `: ${raw.error.message}` : ""}`,
      };
  }
}

function withStack(error: ExecError, stack: string | undefined, cell: CellContext): ExecError {
  if (!stack) return error;
  // QuickJS stacks are frames only; give them V8's "Name: message" head line.
  const headed = /^\s+at\s/.test(stack) ? `${error.name}: ${error.message}\n${stack}` : stack;
  const mapped = mapStack(headed, cell, cell.resolve);
  if (mapped.stack) error.stack = mapped.stack;
  if (mapped.line !== undefined) error.line = mapped.line;
  if (mapped.column !== undefined) error.column = mapped.column;
  return error;
}

/**
 * The error written to stderr as Node prints an uncaught one (the mapped stack, or name and
 * message), after what the cell printed: an agent that reads only stdout/stderr/exit_code (the
 * openenv-coding profile) sees why its cell failed. The structured `error` stays as it is.
 */
export function withErrorOnStderr(result: ExecResult): ExecResult {
  const e = result.error;
  if (e === undefined) return result;
  // esbuild's and acorn's messages already end in "(line:column)".
  const said = e.line !== undefined && e.message.endsWith(`(${e.line}:${e.column ?? ""})`);
  const where =
    e.line === undefined || said
      ? ""
      : ` (line ${e.line}${e.column === undefined ? "" : `, column ${e.column}`})`;
  const text = e.stack?.startsWith(e.name) === true ? e.stack : `${e.name}: ${e.message}${where}`;
  const sep = result.stderr === "" || result.stderr.endsWith("\n") ? "" : "\n";
  result.stderr = `${result.stderr}${sep}Uncaught ${text}\n`;
  return result;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
