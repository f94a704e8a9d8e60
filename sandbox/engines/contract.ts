/**
 * The contract between the sandbox session (host side: transpile, rewrite, source maps, result
 * shaping) and an engine (isolated-vm in child processes, QuickJS in worker threads).
 *
 * Everything that crosses this line is plain data (strings, numbers), because it crosses a
 * process or thread boundary.
 *
 * ## In-sandbox protocol (engine <-> prelude)
 *
 * `EngineSessionConfig.prelude` is the source of a script whose completion value is a function
 * `install(bridge, configJson) => runner`. For each new session (and each replacement after an
 * out-of-memory) the engine evaluates it, builds `bridge`, calls `install` once and keeps `runner`
 * private (it is never reachable from cell code; `install` removes every trace of the bridge from
 * the global object).
 *
 * bridge (host functions, all synchronous, strings/numbers only):
 *   - `callTool(name: string, argsJson: string): number` — starts a host tool call and returns its
 *     id at once. The engine runs `onTool(name, argsJson)` on the host and, when it settles, calls
 *     `runner.resolveTool(id, resultJson)` where resultJson is `{"ok":true,"value":<json>}` or
 *     `{"ok":false,"message":"<sanitized>"}`.
 *   - `report(kind: string, data: string): void` — appends `[kind, data]` to the cell's reports
 *     (grading: every test result is reported as it happens, so agent code cannot rewrite the tally).
 *
 * runner (methods on an object living inside the sandbox):
 *   - `begin(fn, cellOptionsJson)` — `fn` is the completion value of the cell script (an async
 *     function: the cell body). Resets the cell's output buffers and starts the body, called with
 *     the prelude's cell mark (rewrite.ts CELL_MARK), then the cell's registered tests. Returns
 *     nothing.
 *   - `poll(): "done" | "timer" | "tools" | "stuck"` — "done": body and tests settled; "timer": a
 *     virtual timer was fired (poll again); "tools": waiting for host tool calls (resolve one or
 *     more, then poll again); "stuck": nothing can make progress (the runner records an error).
 *   - `resolveTool(id: number, resultJson: string)`.
 *   - `finish(): string` — the RunnerResult JSON. Also valid after a timeout (pending work is
 *     abandoned) so the output written so far is not lost.
 *
 * Between any two calls into the sandbox the engine must let the microtask queue drain
 * (isolated-vm does it after every call; QuickJS needs `executePendingJobs`).
 */

import type { CellPositions } from "../cell/positions.ts";
import type { TestReport } from "../types.ts";
import type { EngineName } from "./registry.ts";

/** JSON passed to the prelude's `install`. */
export interface PreludeConfig {
  seed: number;
  realTime: boolean;
  startTimeMs: number;
  /** Names of host tools to expose as async global functions. */
  toolNames: string[];
  grading: boolean;
}

/** JSON passed to `runner.begin`. */
export interface CellOptions {
  outputLimitBytes: number;
  /** The filename the cell script was compiled with (used to cut prelude frames from stacks). */
  filename: string;
  /** The name stacks read in the sandbox show for the cell ("cell-3.ts"); default `filename`. */
  displayName?: string;
  /** Positions of the agent's source (sandbox/positions.ts); without them frames stay as they are. */
  positions?: CellPositions;
}

/** JSON returned by `runner.finish()`. Stacks are unmapped (positions in the generated script). */
export interface RunnerResult {
  stdout: string;
  stderr: string;
  value?: string;
  error?: { name: string; message: string; stack?: string };
  tests?: TestReport;
  outputLimitHit: boolean;
  /** true when poll() ended in "stuck" (the cell awaited something that can never settle). */
  stuck?: boolean;
}

export interface EngineSessionConfig {
  prelude: string;
  preludeConfig: PreludeConfig;
  memoryLimitBytes: number;
  maxStackBytes: number;
}

export interface CellRequest {
  /** Rewritten JS script; evaluating it yields the cell body (an async function). */
  code: string;
  /** Filename for the engine's compile, e.g. "cell-3.js"; stack frames name it. */
  filename: string;
  timeoutMs: number;
  cpuTimeMs: number;
  cellOptions: CellOptions;
}

export type RawStatus =
  /** runnerResult holds the outcome (which may itself carry an agent error). */
  | "completed"
  /** The engine could not compile/evaluate the script (message says why). */
  | "compile_error"
  | "timeout"
  | "cpu_timeout"
  | "memory"
  /** The process/thread hosting the sandbox died or wedged and was replaced. */
  | "infra";

export interface RawCellResult {
  status: RawStatus;
  runnerResult?: RunnerResult;
  /** For compile_error: the engine's error name/message/stack; for others, a human message. */
  error?: { name: string; message: string; stack?: string };
  reports: Array<[kind: string, data: string]>;
  usage: { wallMs: number; cpuMs: number; heapBytes: number };
  /** The engine replaced the sandbox before or during this cell (state of earlier cells is gone). */
  stateLost: boolean;
  /**
   * infra only: the worker hosting the session died on its own while this run was executing, so
   * the run may have caused it (see sandbox/quarantine.ts).
   */
  suspect?: boolean;
}

/** Runs a host tool for the engine; must never throw (returns the `{"ok":false,...}` JSON instead). */
export type ToolCallback = (name: string, argsJson: string) => Promise<string>;

export interface EngineSession {
  run(request: CellRequest): Promise<RawCellResult>;
  dispose(): Promise<void>;
}

export interface EngineStats {
  /** Live sandboxes (sessions) in this engine. */
  sessions: number;
  /** Host processes or worker threads currently running. */
  workers: number;
  /** Workers killed and replaced (wedged, crashed) since start. */
  restarts: number;
}

export interface Engine extends AsyncDisposable {
  readonly name: EngineName;
  createSession(config: EngineSessionConfig, onTool: ToolCallback): Promise<EngineSession>;
  stats(): EngineStats;
  /** Disposes every session and stops every worker. Harmless twice. */
  dispose(): Promise<void>;
}
