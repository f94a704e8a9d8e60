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
export type { Engine, EngineStats } from "./engine.ts";
export { CodeActError, type ErrorCode, isCodeActError } from "./errors.ts";
