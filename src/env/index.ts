/**
 * src/env/: the environment (reset/step/state/close), actions, tools, the file store, forks.
 * May import errors/, sandbox/, rewards/, tasks/; nothing else in src/.
 */
export {
  cellFingerprint,
  type LoggedAction,
  type LoggedCell,
  type LoggedToolCall,
  type ReplayTarget,
  replayActionLog,
  toolFingerprint,
} from "./action-log.ts";
export {
  actionSchema,
  formatValidationIssues,
  isValidatedAction,
  MAX_STEP_TIMEOUT_MS,
  type ParseActionResult,
  parseAction,
  typecheckModeSchema,
  type ValidationIssue,
} from "./actions.ts";
export { coreTools, fileStoreTools, listToolsTool, submitTool } from "./builtin-tools.ts";
export { CodeActEnv, type EnvOptions } from "./env.ts";
export {
  createFileStoreTools,
  FILE_STORE_TOOL_NAMES,
  type FileStoreOptions,
  type FileStoreTools,
  fileStoreArgSchemas,
  fileStoreToolDescriptions,
  normalizeStorePath,
} from "./file-store.ts";

export { MAX_FORK_COUNT } from "./fork.ts";
export { ENV_VERSION, type EnvMetadata, envMetadata, envSchemas } from "./schemas.ts";
export { defaultRubricFor, type RubricFactory } from "./scoring.ts";
export {
  defineTool,
  type ToolCallOutcome,
  type ToolContext,
  type ToolDefinition,
  ToolRegistry,
} from "./tool-registry.ts";
export { toolSignatures, tsType } from "./tool-signatures.ts";
export { CellTypeChecker, type CheckedCell } from "./typecheck.ts";
export type * from "./types.ts";
