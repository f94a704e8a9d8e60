/**
 * What a rubric sees. These are structural types of their own (rewards/ knows observations, not
 * the environment or the engines) written so the environment's actions and observations
 * (src/env/types.ts) can be passed as they are: every field is optional and no index signature is
 * declared, because interfaces are not assignable to types with one.
 */

/** A CodeAct cell, a direct tool call or tool discovery. */
export interface RubricAction {
  code?: string;
  language?: "js" | "ts";
  type?: string;
  tool_name?: string;
  arguments?: unknown;
  metadata?: Record<string, unknown>;
}

/** An error of a code cell (sandbox ExecError). */
export interface RubricExecError {
  kind: string;
  name: string;
  message: string;
  line?: number;
  column?: number;
  stack?: string;
}

/** An error of a direct tool call (OpenEnv ToolError). */
export interface RubricToolError {
  error_type: string;
  message: string;
}

export interface RubricTestCase {
  name: string;
  status: "passed" | "failed" | "skipped";
  message?: string;
  duration_ms?: number;
}

export interface RubricTestReport {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  cases: RubricTestCase[];
}

export interface RubricUsage {
  wall_ms: number;
  cpu_ms: number;
  heap_bytes: number;
}

export interface RubricObservation {
  stdout?: string;
  stderr?: string;
  exit_code?: number;
  value?: string;
  error?: RubricExecError | RubricToolError | null;
  tests?: RubricTestReport;
  usage?: RubricUsage;
  submitted?: { answer: unknown };
  infra_error?: boolean;
  state_lost?: boolean;
  /** Set by the environment once the episode is over; either marks the last step. */
  done?: boolean;
  done_reason?: string;
  /** Task prompt (reset observations carry it); LLMJudge templates may use it. */
  prompt?: string;
  task_id?: string;
  tool_name?: string;
  result?: unknown;
  rewards?: Record<string, number>;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
