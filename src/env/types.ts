/**
 * The environment's public data model: actions in, observations out (OpenEnv shapes, see
 * shared/openenv-protocol.md). Observations are plain JSON objects; on the wire the server sends
 * `{observation: <everything but reward/done>, reward, done}`.
 */
import type { ExecError, Language, TestReport, Usage } from "../../sandbox/index.ts";

/**
 * TypeScript type checking of TS cells: `"off"` (default: the compiler is not even loaded),
 * `"report"` (the cell runs; its type errors are in the observation's `diagnostics`) or
 * `"enforce"` (as tsc would: a cell with type errors is not run; the errors are in `diagnostics`
 * and in `stderr`, and `error.kind` is `"type"`).
 */
export type TypecheckMode = "off" | "report" | "enforce";

/** One type error of a cell, at the agent's own 1-based line and column. */
export interface CellDiagnostic {
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  /** TypeScript's error number (2322 is "TS2322"). */
  code: number;
  message: string;
}

/** A CodeAct cell (OpenEnv coding_env shape). */
export interface CodeAction {
  code: string;
  language?: Language;
  /**
   * Type checking of this cell (a TS cell only); overrides the episode's (reset option `typecheck`).
   * @default the episode's mode ("off" unless reset or the environment says otherwise)
   */
  typecheck?: TypecheckMode;
  /** Wall-time limit of this cell (overrides the session default, capped). */
  timeout_ms?: number;
  metadata?: Record<string, unknown>;
}

/** One direct tool call (OpenEnv MCP shape). */
export interface CallToolAction {
  type: "call_tool";
  tool_name: string;
  arguments?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Tool discovery. */
export interface ListToolsAction {
  type: "list_tools";
  metadata?: Record<string, unknown>;
}

export type Action = CodeAction | CallToolAction | ListToolsAction;

export interface ToolInfo {
  name: string;
  description: string;
  /** JSON Schema of the tool's arguments object. */
  input_schema: Record<string, unknown>;
}

/** OpenEnv's ToolErrorType. */
export type ToolErrorType =
  | "execution_error"
  | "invalid_args"
  | "transport_error"
  | "tool_not_found"
  | "timeout";

export interface ToolError {
  error_type: ToolErrorType;
  message: string;
}

/** Fields every observation may carry. */
export interface ObservationBase {
  /** Score per rubric path ("" is the root rubric), from the rubric hooks of this step. */
  rewards?: Record<string, number>;
  /** true when the sandbox failed (error.kind "infra"); reward is then null so trainers can mask it. */
  infra_error?: boolean;
  /** The answer given to `submit`, once submitted. */
  submitted?: { answer: unknown };
  /** Why the episode ended, once done: "submitted" | "step_budget" | "tests_passed". */
  done_reason?: string;
  /** The task's hidden tests when the episode has a task (graded on the agent's cells), else the cell's own. */
  tests?: TestReport;
}

/** Observation of a code step (and of reset: empty stdout/stderr, exit_code 0). */
export interface CodeObservation extends ObservationBase {
  stdout: string;
  stderr: string;
  exit_code: number;
  value?: string;
  error?: ExecError;
  /** The tests the cell itself registered, when `tests` holds the hidden tests' report. */
  cell_tests?: TestReport;
  usage?: Usage;
  state_lost?: boolean;
  /** Type errors of a TS cell when type checking is on (an empty list: checked, none). */
  diagnostics?: CellDiagnostic[];
}

/** Observation of reset: the task and the tools. */
export interface ResetObservation extends CodeObservation {
  task_id?: string;
  prompt?: string;
  language: Language;
  tools: ToolInfo[];
}

export interface CallToolObservation extends ObservationBase {
  tool_name: string;
  result: unknown;
  error: ToolError | null;
}

export interface ListToolsObservation extends ObservationBase {
  tools: ToolInfo[];
}

export type Observation = CodeObservation | ResetObservation | CallToolObservation | ListToolsObservation;

/** What reset/step return; the wire "result object" is built from it. */
export interface StepResult<O extends Observation = Observation> {
  observation: O;
  /** null when the step must not be scored (infra failure, tool discovery). */
  reward: number | null;
  done: boolean;
}

export interface ResetOptions {
  seed?: number;
  episode_id?: string;
  task_id?: string;
  /**
   * Type checking of the episode's TS cells (see TypecheckMode); a step's `typecheck` overrides it.
   * @default the environment's `typecheck` option, else "off"
   */
  typecheck?: TypecheckMode;
}

export interface EnvState {
  episode_id: string | null;
  step_count: number;
  task_id: string | null;
  last_exit_code: number;
  done: boolean;
  /** Episode id of the parent, when this episode was made by `fork`. */
  forked_from?: string;
  /** Bytes the episode's file store holds in the server's memory, when it holds any (bounded). */
  store_bytes?: number;
}

/** What the server, the eval runner and the web page drive. CodeActEnv implements it. */
export interface Environment extends AsyncDisposable {
  reset(options?: ResetOptions): Promise<StepResult>;
  /** `action` is untrusted input: it is validated; an invalid one rejects with CodeActError INVALID_ACTION. */
  step(action: unknown): Promise<StepResult>;
  state(): EnvState;
  tools(): ToolInfo[];
  /**
   * One tool call outside the step loop (MCP: agents in production call tools, never step): it
   * does not count as a step nor use the step budget. `submit` still ends the episode.
   */
  callTool(name: string, args: Record<string, unknown>): Promise<CallToolObservation>;
  /**
   * One code cell outside the step loop (standard MCP's run_code): it runs in the episode's own
   * sandbox and is part of its history, but counts no step and is not scored.
   */
  runCode(action: unknown): Promise<CodeObservation>;
  /**
   * `count` new, independent environments equal to this one's episode now (replayed from its
   * action log). Rejects with a clear CodeActError when the episode cannot be rebuilt exactly.
   */
  fork(count: number): Promise<Environment[]>;
  close(): Promise<void>;
}
