export {
  type ChatClientOptions,
  type ChatMessage,
  chatCompletion,
  describeObservation,
  type EpisodeTranscript,
  extractCode,
  runAgentEpisode,
} from "./agent.ts";
export { EVAL_HELP, evalCommand, parseEvalArgs } from "./command.ts";
export { type GradeOptions, gradeSample, gradeSamples, type SampleResult } from "./grade-samples.ts";
export { meanPassAtK, passAtK } from "./passk.ts";
export { RUN_HELP, runCommand } from "./run-command.ts";
export { emptyBody, type Sample, samplesFromCompletions, samplesFromSuite } from "./samples.ts";
export { type EvalSummary, formatSummary, summarize } from "./summary.ts";
