/**
 * src/: the environment (env/), its server (server/), client (client/), eval library (eval/),
 * benchmarks (bench/), web page (web/) and CLI (cli/). May import errors/, sandbox/, rewards/, tasks/.
 *
 * codeact-env's main entry: the environment, its data model, the eval library and the server.
 * The sandbox, rewards, tasks, the client and the error class have their own subpaths
 * (codeact-env/sandbox, /rewards, /tasks, /client, /errors) so that a user of one part does not
 * load the others (e.g. a QuickJS-only user never loads isolated-vm). Tooling (the CLI's commands,
 * benchmarks, the server validator) is not exported. test/package/surface.test.ts pins this list.
 */
export { CodeActError, type ErrorCode, isCodeActError } from "../errors/index.ts";
export {
  actionSchema,
  CodeActEnv,
  defaultRubricFor,
  defineTool,
  ENV_VERSION,
  type EnvMetadata,
  type EnvOptions,
  envMetadata,
  envSchemas,
  type ParseActionResult,
  parseAction,
  type RubricFactory,
  type ToolCallOutcome,
  type ToolContext,
  type ToolDefinition,
  ToolRegistry,
  type ValidationIssue,
} from "./env/index.ts";
export type * from "./env/types.ts";
export {
  type ChatClientOptions,
  type ChatMessage,
  type EpisodeTranscript,
  type GradeOptions,
  gradeSample,
  gradeSamples,
  passAtK,
  runAgentEpisode,
  type Sample,
  type SampleResult,
} from "./eval/index.ts";
export {
  type BatchConfig,
  type CodeActServer,
  createServer,
  type LogLevel,
  type Profile,
  type ServerConfig,
} from "./server/index.ts";
