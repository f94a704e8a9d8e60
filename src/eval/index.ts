export { EVAL_HELP, evalCommand, parseEvalArgs } from "../cli/eval.ts";
export { RUN_HELP, runCommand } from "../cli/run.ts";
export {
  type ChatMessage,
  chatCompletion,
  describeObservation,
  extractCode,
  runAgentEpisode,
} from "./agent.ts";
export { gradeSample, gradeSamples, type SampleResult } from "./grade-samples.ts";
export { meanPassAtK, passAtK } from "./passk.ts";
export { emptyBody, type Sample, samplesFromCompletions, samplesFromSuite } from "./samples.ts";
export { type EvalSummary, formatSummary, summarize } from "./summary.ts";
