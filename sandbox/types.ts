/**
 * Public types of the sandbox. Field names of results are snake_case because they go on the wire
 * unchanged (they become the environment's observation); option names are camelCase with units.
 */

import type { EngineName } from "./engines/registry.ts";

export type { EngineName };
export type Language = "js" | "ts";

/** Hard limits of one cell. Session defaults, overridable per run. */
/**
 * Hard limits of a sandbox session and its cells (each field validated within sane bounds; a
 * partial object is merged over DEFAULT_LIMITS).
 * @example
 * ```ts
 * const sandbox = await createSandbox({ limits: { timeoutMs: 2_000, memoryLimitBytes: 64 * 1024 * 1024 } });
 * ```
 */
export interface Limits {
  /**
   * Wall-clock time of one cell, including time spent awaiting host tools.
   * @default 5000
   */
  timeoutMs: number;
  /**
   * CPU time of one cell (the sandbox's own thread).
   * @default 5000
   */
  cpuTimeMs: number;
  /**
   * Heap of the session (isolate heap / QuickJS runtime). Past it the session is replaced.
   * @default 134217728 (128 MiB)
   */
  memoryLimitBytes: number;
  /**
   * stdout + stderr of one cell; past it output is cut with a marker and the cell is stopped.
   * @default 1048576 (1 MiB)
   */
  outputLimitBytes: number;
  /**
   * Size of one cell's source text (UTF-8 bytes) before transpiling.
   * @default 262144 (256 KiB)
   */
  maxSourceBytes: number;
  /**
   * Native stack available to sandboxed code: bounds call depth (deep recursion, deep JSON).
   * @default 1048576 (1 MiB)
   */
  maxStackBytes: number;
}

/**
 * What went wrong in a cell. Agent failures are results, never exceptions.
 * - syntax: the cell does not parse (esbuild or the engine)
 * - runtime: an uncaught exception or rejected promise, or a cell that can never settle
 * - timeout: wall or CPU time limit (message says which)
 * - memory: heap limit; the session was replaced and its state lost
 * - output_limit: stdout+stderr over the limit
 * - source_limit: the cell's source is larger than maxSourceBytes
 * - stack_overflow: call-stack limit (deep recursion)
 * - crash: the cell crashed its sandbox process, and crashed a quarantined one again when re-run
 *   there after the session's earlier cells: the cell's own doing, scored like any failure
 * - infra: the sandbox itself failed (a process died or wedged, and the cell did not reproduce it
 *   alone); never the model's fault
 * - type: the environment's type check (typecheck "enforce") refused the cell; it did not run
 */
export const ERROR_KINDS = [
  "syntax",
  "type",
  "runtime",
  "timeout",
  "memory",
  "output_limit",
  "source_limit",
  "stack_overflow",
  "crash",
  "infra",
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ExecError {
  kind: ErrorKind;
  /** Error class name as the agent would see it ("TypeError", "SyntaxError", "TimeoutError", ...). */
  name: string;
  message: string;
  /** 1-based line in the agent's own cell source (after source-map mapping), when known. */
  line?: number;
  /** 1-based column in the agent's own cell source, when known. */
  column?: number;
  /** Stack with positions mapped to the agent's source; frames of the prelude removed. */
  stack?: string;
}

export interface TestCaseResult {
  /** Full name: describe blocks and test name joined with " > ". */
  name: string;
  status: "passed" | "failed" | "skipped";
  /** Failure message (assertion diff), sanitized. */
  message?: string;
  duration_ms?: number;
}

export interface TestReport {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  cases: TestCaseResult[];
}

export interface Usage {
  wall_ms: number;
  cpu_ms: number;
  heap_bytes: number;
}

export interface ExecResult {
  /** true when the cell completed without error. */
  ok: boolean;
  stdout: string;
  stderr: string;
  /** 0 ok; 1 syntax/runtime/output/source/stack errors; 124 timeout; 137 memory; 70 infra. */
  exit_code: number;
  /** The last expression's value printed like Node's REPL (util.inspect style); absent when undefined. */
  value?: string;
  error?: ExecError;
  /** Present when the cell registered tests (describe/test/it). */
  tests?: TestReport;
  usage: Usage;
  /** true when the session had to be replaced (memory limit, infra): earlier cells' state is gone. */
  state_lost?: boolean;
}

/**
 * A host tool: JSON in, JSON out. Called from cell code as `await name(args)`.
 * Throwing gives the cell an ordinary Error with a sanitized message.
 */
export type ToolHandler = (args: unknown) => unknown;
export type ToolMap = Readonly<Record<string, ToolHandler>>;

/**
 * Options of `createSandbox`.
 * @example
 * ```ts
 * await using sandbox = await createSandbox({ engine: "quickjs", seed: 7, tools: { echo: (args) => args } });
 * const result = await sandbox.run("Math.random()");
 * ```
 */
export interface SandboxOptions {
  /**
   * Which engine runs the cells.
   * @default "isolated-vm"
   */
  engine?: EngineName;
  /**
   * Limits over DEFAULT_LIMITS (see Limits).
   * @default DEFAULT_LIMITS
   */
  limits?: Partial<Limits>;
  /**
   * Seed of the session's Math.random (same seed, same numbers).
   * @default 0
   */
  seed?: number;
  /**
   * Date / performance.now from the real clock instead of the session's virtual clock.
   * @default false
   */
  realTime?: boolean;
  /**
   * Virtual clock start (epoch ms).
   * @default 1700000000000
   */
  startTimeMs?: number;
  /**
   * Host tools, called from cells as `await name(args)` (JSON in, JSON out).
   * @default {}
   */
  tools?: ToolMap;
  /**
   * Grading mode: the prelude hardens the harness (non-writable globals, intrinsics captured at
   * start-up, integrity snapshot) and reports every test result to the host as it happens.
   * @default false
   */
  grading?: boolean;
}

/**
 * Options of one `Sandbox.run`.
 * @example
 * ```ts
 * const result = await sandbox.run("const n: number = 2; n * 21", { language: "ts", limits: { timeoutMs: 1_000 } });
 * ```
 */
export interface RunOptions {
  /**
   * Language of the cell.
   * @default "js"
   */
  language?: Language;
  /**
   * Limits of this cell over the session's.
   * @default the session's limits
   */
  limits?: Partial<Limits>;
  /**
   * Run the cell body in strict mode.
   * @default false
   */
  strict?: boolean;
}

export interface Sandbox extends AsyncDisposable {
  readonly id: string;
  readonly engine: EngineName;
  readonly disposed: boolean;
  /** Run one cell. Never rejects for agent failures; rejects only with CodeActError (e.g. disposed). */
  run(code: string, options?: RunOptions): Promise<ExecResult>;
  dispose(): Promise<void>;
}
