/**
 * codeact-env's main entry: the environment and its data model. The sandbox, rewards, tasks and
 * the client have their own subpaths (codeact-env/sandbox, /rewards, /tasks, /client) so that a
 * user of one part does not load the others (e.g. a QuickJS-only user never loads isolated-vm).
 */
export { CodeActError, type ErrorCode, isCodeActError } from "../errors/index.ts";
export * from "./env/index.ts";
export {
  evalCommand,
  gradeSample,
  gradeSamples,
  passAtK,
  runAgentEpisode,
  type SampleResult,
} from "./eval/index.ts";
export { createServer, type ServerConfig } from "./server/index.ts";
