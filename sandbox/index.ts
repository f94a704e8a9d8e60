/**
 * sandbox/: runs JS/TS cells under hard limits in an engine (cell/ pipeline, engines/, prelude/).
 * May import errors/ only: it knows nothing of rewards, tasks, HTTP or the environment.
 */
export type { CellPositions } from "./cell/positions.ts";
export { type TranspileFail, type TranspileOk, type TranspileResult, transpile } from "./cell/transpile.ts";
export type {
  CellOptions,
  CellRequest,
  Engine,
  EngineSession,
  EngineSessionConfig,
  EngineStats,
  PreludeConfig,
  RawCellResult,
  RawStatus,
  RunnerResult,
  ToolCallback,
} from "./engines/contract.ts";
export {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineStats,
  getEngine,
  isEngineName,
  liveSandboxCount,
  shutdownEngines,
} from "./engines/registry.ts";
export { type GradeInput, type GradeResult, gradeProgram, type ProgramStep } from "./grade.ts";
export { DEFAULT_LIMITS, mergeLimits, validateLimits } from "./options.ts";
export { getPrelude } from "./prelude-bundle.ts";
export { createSandbox } from "./session.ts";
export type {
  EngineName,
  ErrorKind,
  ExecError,
  ExecResult,
  Language,
  Limits,
  RunOptions,
  Sandbox,
  SandboxOptions,
  TestCaseResult,
  TestReport,
  ToolHandler,
  ToolMap,
  Usage,
} from "./types.ts";
export { ERROR_KINDS } from "./types.ts";
