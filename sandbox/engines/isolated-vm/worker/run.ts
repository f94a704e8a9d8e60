/**
 * Child side: the pieces of one cell run — its clock (wall and CPU budgets handed to every call
 * into the isolate as ivm's `timeout`), its tool-result inbox and report buffer, and the mapping
 * of ivm's exceptions to outcomes.
 */
import type ivm from "isolated-vm";
import type { CellRequest, RunnerResult } from "../../contract.ts";
import { FINISH_BUDGET_MS, IVM_TIMEOUT_MESSAGE } from "../protocol.ts";
import { AFTER_BEGIN_SKIPPED, EVALUATED_TO, type Installed, NOT_EVALUATED } from "./isolate.ts";

/** How long begin may take for the poll queued behind it to go ahead (see beginCell()). */
const PROMPT_BEGIN_MS = 1;

export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

export type LimitKind = "timeout" | "cpu_timeout";

export type Outcome =
  /**
   * `finished`: runner.finish()'s JSON when the last poll already collected it; `heapBytes`: the
   * heap read right after it, when that was the poll queued behind begin.
   */
  | { status: "completed"; finished?: string; heapBytes?: number }
  | { status: "compile_error"; error: ErrorInfo }
  | { status: LimitKind }
  | { status: "memory" }
  | { status: "infra"; message: string }
  /** The runner itself threw (not the cell body, which the runner catches). */
  | { status: "runner_error"; error: ErrorInfo };

/** Thrown inside the run loop when a budget is spent between two calls. */
export class LimitHit extends Error {
  readonly kind: LimitKind;
  constructor(kind: LimitKind) {
    super(kind);
    this.kind = kind;
  }
}

export class CellClock {
  /** Which limit bounded the last call: a termination by ivm's timeout is charged to it. */
  bound: LimitKind = "timeout";
  private readonly startMs = performance.now();
  private readonly isolate: ivm.Isolate;
  private readonly cpuStartNs: bigint;
  private readonly timeoutMs: number;
  private readonly cpuTimeMs: number;
  private lastCpuMs = 0;

  constructor(isolate: ivm.Isolate, req: CellRequest) {
    this.isolate = isolate;
    this.cpuStartNs = isolate.cpuTime;
    this.timeoutMs = req.timeoutMs;
    this.cpuTimeMs = req.cpuTimeMs;
  }

  elapsedMs(): number {
    return performance.now() - this.startMs;
  }

  cpuMs(): number {
    if (!this.isolate.isDisposed) {
      try {
        this.lastCpuMs = Number(this.isolate.cpuTime - this.cpuStartNs) / 1e6;
      } catch {
        // Disposed concurrently (memory limit): keep the last reading.
      }
    }
    return this.lastCpuMs;
  }

  wallRemainingMs(): number {
    return this.timeoutMs - this.elapsedMs();
  }

  /**
   * Milliseconds the next call into the isolate may run. CPU time of one thread never exceeds its
   * wall time, so the remaining CPU budget is a safe wall bound for a single call.
   */
  budgetMs(): number {
    const wall = this.wallRemainingMs();
    const cpu = this.cpuTimeMs - this.cpuMs();
    if (cpu <= 0) throw new LimitHit("cpu_timeout");
    if (wall <= 0) throw new LimitHit("timeout");
    this.bound = cpu < wall ? "cpu_timeout" : "timeout";
    return Math.max(1, Math.ceil(Math.min(wall, cpu)));
  }
}

/** What begins a cell: its script's source (evaluated in the isolate), or the evaluated function. */
export type CellStart = { source: string; filename: string } | { fn: ivm.Reference };

/**
 * Calls begin (or evalBegin) and, queued right behind it (one wake-up of this thread instead of
 * two), the first poll and a heap reading; that poll answers AFTER_BEGIN_SKIPPED when begin
 * failed or was slow. The heap reading is good only when that poll ended the cell (nothing runs
 * after it). NOT_EVALUATED: the source did not evaluate to a function and nothing began.
 */
export async function beginCell(
  sb: Installed,
  start: CellStart,
  req: CellRequest,
  clock: CellClock,
  heapFallback: () => number,
): Promise<{ state: unknown; heapBytes?: Promise<number> }> {
  const timeout = clock.budgetMs();
  const options = JSON.stringify(req.cellOptions);
  const begun =
    "fn" in start
      ? sb.begin.apply(undefined, [start.fn.derefInto(), options], { timeout })
      : sb.evalBegin.apply(undefined, [start.source, options, start.filename], { timeout });
  if (timeout < FINISH_BUDGET_MS) {
    const answer: unknown = await begun;
    return { state: notBegun(answer) ?? AFTER_BEGIN_SKIPPED };
  }
  const polled = sb.pollFinishAfterBegin.apply(undefined, [Date.now() + PROMPT_BEGIN_MS], { timeout });
  const heapBytes = sb.isolate.getHeapStatistics().then((stats) => stats.used_heap_size, heapFallback);
  // These settle after begin (the isolate runs calls in order); when begin failed, unread.
  polled.catch(() => undefined);
  // Nothing began, so the queued poll (which saw no begin) answered "skipped": not a state.
  const answer = notBegun(await begun);
  if (answer !== undefined) return { state: answer };
  return { state: await polled, heapBytes };
}

/** evalBegin's answer when nothing began (NOT_EVALUATED, EVALUATED_TO...), else undefined. */
function notBegun(answer: unknown): string | undefined {
  return typeof answer === "string" && (answer === NOT_EVALUATED || answer.startsWith(EVALUATED_TO))
    ? answer
    : undefined;
}

/** The compile_error outcome for evalBegin's EVALUATED_TO answer (as the engine's compile gives). */
export function evaluatedOutcome(answer: string): Outcome {
  try {
    const parsed = JSON.parse(answer.slice(EVALUATED_TO.length)) as { threw?: ErrorInfo; type?: string };
    if (parsed.threw !== undefined) return { status: "compile_error", error: parsed.threw };
    const message = `the cell script must evaluate to a function, got ${String(parsed.type)}`;
    return { status: "compile_error", error: { name: "TypeError", message } };
  } catch {
    return { status: "infra", message: "the sandbox answered an unreadable evaluation result" };
  }
}

const MAX_REPORT_BYTES = 8 * 1024 * 1024;

export class RunState {
  readonly rid: number;
  readonly reports: Array<[string, string]> = [];
  readonly pending = new Set<number>();
  results: Array<[number, string]> = [];
  private reportBytes = 0;
  private wake: (() => void) | undefined;

  constructor(rid: number) {
    this.rid = rid;
  }

  report(kind: string, data: string): void {
    this.reportBytes += kind.length + data.length;
    // Past the cap the grading tally is incomplete; the host sees fewer reports than tests.
    if (this.reportBytes <= MAX_REPORT_BYTES) this.reports.push([kind, data]);
  }

  deliver(cid: number, json: string): void {
    if (!this.pending.delete(cid)) return;
    this.results.push([cid, json]);
    this.wake?.();
  }

  /** Resolves true when a tool result is queued, false when `ms` passed first. */
  waitResult(ms: number): Promise<boolean> {
    if (this.results.length > 0) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }
}

/** Cuts the host's own frames (after ivm's boundary marker) so host paths never reach the agent. */
export function errorInfo(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const info: ErrorInfo = { name: error.name, message: error.message };
  if (typeof error.stack === "string") {
    const cut = error.stack.indexOf("\n    at (<isolated-vm boundary>)");
    info.stack = cut >= 0 ? error.stack.slice(0, cut) : error.stack;
  }
  return info;
}

export function classify(
  error: unknown,
  isolate: ivm.Isolate,
  clock: CellClock,
  fallback: "compile_error" | "runner_error",
): Outcome {
  if (error instanceof LimitHit) return { status: error.kind };
  const message = error instanceof Error ? error.message : String(error);
  // Only isolated-vm's memory-limit handling disposes an isolate while a run uses it (a session
  // disposes its own only after its runs). The call that hit the limit says so; a call already
  // queued behind it gets "Isolate is disposed" instead, which was once taken for infra.
  if (isolate.isDisposed) return { status: "memory" };
  if (message === IVM_TIMEOUT_MESSAGE) return { status: clock.bound };
  return { status: fallback, error: errorInfo(error) };
}

export function parseRunnerResult(json: unknown): RunnerResult | Outcome {
  if (typeof json === "string") {
    try {
      const value: unknown = JSON.parse(json);
      if (isRunnerResult(value)) return value;
    } catch {
      // Falls through to the infra outcome below.
    }
  }
  return { status: "infra", message: "runner.finish() returned an invalid result" };
}

function isRunnerResult(value: unknown): value is RunnerResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.stdout === "string" && typeof v.stderr === "string" && typeof v.outputLimitHit === "boolean"
  );
}

export function limitError(kind: "timeout" | "cpu_timeout", req: CellRequest): ErrorInfo {
  return kind === "timeout"
    ? { name: "TimeoutError", message: `the cell exceeded its ${req.timeoutMs} ms wall-clock limit` }
    : { name: "TimeoutError", message: `the cell exceeded its ${req.cpuTimeMs} ms CPU-time limit` };
}
