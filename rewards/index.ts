/**
 * rewards/: rubrics (RFC 004), the default rubric and the infra mask (their only owner).
 * May import errors/ only: rubrics see actions and observations as data, never engines.
 */
export {
  type AnswerCompare,
  ExecutionSucceeded,
  normalizeOutput,
  OutputMatches,
  type OutputMatchMode,
  type ResourceBudgets,
  ResourcePenalty,
  SubmittedAnswer,
  TestsPassed,
} from "./code.ts";
export { Compiles } from "./compiles.ts";
export { Gate, RubricDict, type RubricEntries, RubricList, Sequential, WeightedSum } from "./containers.ts";
export { defaultRubric, isScorable, scoreStep } from "./defaults.ts";
export { JUDGE_PLACEHOLDERS, LLMJudge, type LLMJudgeOptions } from "./llm-judge.ts";
export { type ForwardHook, type ForwardPreHook, type HookHandle, Rubric, type StateDict } from "./rubric.ts";
export { parseJudgeScore } from "./score-parser.ts";
export {
  ExponentialDiscountingTrajectoryRubric,
  isDone,
  TrajectoryRubric,
  type TrajectoryStep,
} from "./trajectory.ts";
export {
  DEFAULT_IGNORED_CODES,
  loadTypeScript,
  readLib,
  SANDBOX_GLOBALS_DTS,
  SANDBOX_GLOBALS_FILE,
  sandboxCompilerOptions,
  sharedSourceFile,
  type TypeCheckResult,
  TypeChecks,
  type TypeChecksOptions,
  typeCheckCell,
  typeScriptRequested,
} from "./typecheck.ts";
export type {
  Json,
  JsonObject,
  RubricAction,
  RubricExecError,
  RubricObservation,
  RubricTestCase,
  RubricTestReport,
  RubricToolError,
  RubricUsage,
} from "./types.ts";
