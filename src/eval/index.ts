/**
 * src/eval/: the eval library: grading samples, pass@k, the agent loop and agent evals.
 * May import errors/, sandbox/, tasks/ and src/env/; never src/cli/ (flags stay in the CLI).
 */
export {
  type ChatClientOptions,
  type ChatMessage,
  chatCompletion,
  describeObservation,
  type EpisodeTranscript,
  extractCode,
  runAgentEpisode,
} from "./agent.ts";
export { type AgentEvalOptions, runAgentEval } from "./agent-eval.ts";
export { readCompletions } from "./completions.ts";
export { mapConcurrent } from "./concurrency.ts";
export { type GradeOptions, gradeSample, gradeSamples, type SampleResult } from "./grade-samples.ts";
export { meanPassAtK, passAtK } from "./passk.ts";
export { Progress } from "./progress.ts";
export { ResultsWriter, readResults, repairInterruptedTail, sampleKey } from "./results-file.ts";
export {
  emptyBody,
  type InputProblem,
  type Sample,
  samplesFromCompletions,
  samplesFromSuite,
} from "./samples.ts";
export { type EvalSummary, formatSummary, summarize } from "./summary.ts";
