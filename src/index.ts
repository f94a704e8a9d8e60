/**
 * codeact-env's main entry: the environment and its data model. The sandbox, rewards, tasks and
 * the client have their own subpaths (codeact-env/sandbox, /rewards, /tasks, /client) so that a
 * user of one part does not load the others (e.g. a QuickJS-only user never loads isolated-vm).
 */
export * from "./env/index.ts";
export {
  type ChatClientOptions,
  type ChatMessage,
  type EpisodeTranscript,
  evalCommand,
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
