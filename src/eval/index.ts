export {
  type ChatMessage,
  chatCompletion,
  describeObservation,
  extractCode,
  runAgentEpisode,
} from "./agent.ts";
export { type AgentEvalOptions, runAgentEval } from "./agent-eval.ts";
export { gradeSample, gradeSamples, type SampleResult } from "./grade-samples.ts";
export { meanPassAtK, passAtK } from "./passk.ts";
export { emptyBody, type Sample, samplesFromCompletions, samplesFromSuite } from "./samples.ts";
export { type EvalSummary, formatSummary, summarize } from "./summary.ts";
