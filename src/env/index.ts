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
  describeIssues,
  isValidatedAction,
  MAX_STEP_TIMEOUT_MS,
  type ParseActionResult,
  parseAction,
  type ValidationIssue,
} from "./actions.ts";
export { coreTools, fileStoreTools, listToolsTool, submitTool } from "./builtin-tools.ts";
export { CodeActEnv, type EnvOptions } from "./env.ts";
export { MAX_FORK_COUNT } from "./fork.ts";
export { ENV_VERSION, type EnvMetadata, envMetadata, envSchemas } from "./schemas.ts";
export { defaultRubricFor, type RubricFactory, scoreStep } from "./scoring.ts";
export { toolSignatures, tsType } from "./tool-signatures.ts";
export {
  defineTool,
  type ToolCallOutcome,
  type ToolContext,
  type ToolDefinition,
  ToolRegistry,
} from "./tools.ts";
export type * from "./types.ts";
