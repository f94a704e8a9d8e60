/**
 * An agent eval (what `eval --agent openai` runs): one CodeAct episode per (task, sample), run
 * concurrently, each in its own environment; a transcript per episode; the same results file and
 * summary as completion grading. A library function: options are typed, not CLI flags.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EngineName } from "../../sandbox/index.ts";
import type { Suite } from "../../tasks/index.ts";
import { CodeActEnv } from "../env/index.ts";
import { type EpisodeTranscript, runAgentEpisode } from "./agent.ts";
import { mapConcurrent } from "./concurrency.ts";
import type { SampleResult } from "./grade-samples.ts";
import { Progress } from "./progress.ts";
import { ResultsWriter, readResults, repairInterruptedTail, sampleKey } from "./results-file.ts";
import { type EvalSummary, summarize } from "./summary.ts";

export interface AgentEvalOptions {
  engine: EngineName;
  /** The OpenAI-compatible chat endpoint the agent runs on. */
  chat: { baseUrl: string; model: string; apiKey?: string | undefined };
  samplesPerTask: number;
  /** Steps per episode unless the task sets its own max_steps. */
  maxSteps: number;
  concurrency: number;
  /** The k of pass@k in the summary. */
  ks: number[];
  /** Results file (JSONL); with resume, episodes already in it are not run again. */
  out?: string | undefined;
  resume: boolean;
  /** Folder for one transcript file per episode. */
  transcriptsDir?: string | undefined;
  /** Progress and resume lines. */
  log: (line: string) => void;
}

/** Runs the episodes and returns the summary (the caller decides how to print it). */
export async function runAgentEval(suite: Suite, options: AgentEvalOptions): Promise<EvalSummary> {
  const { log } = options;
  const all = suite.tasks.flatMap((task) =>
    Array.from({ length: options.samplesPerTask }, (_, index) => ({ task, index })),
  );
  const carried = options.resume && options.out ? previousResults(options.out, log) : [];
  const done = new Set(carried.map((r) => sampleKey(r.task_id, r.sample_index)));
  const jobs = all.filter((j) => !done.has(sampleKey(j.task.id, j.index)));
  if (options.resume) log(`resuming: ${carried.length} episodes already graded, ${jobs.length} to go`);
  if (options.transcriptsDir) await mkdir(options.transcriptsDir, { recursive: true });
  const writer = options.out ? new ResultsWriter(options.out, options.resume) : undefined;
  const progress = new Progress(jobs.length);
  const started = performance.now();
  const chat = options.chat;
  const runJob = async (job: (typeof jobs)[number]): Promise<SampleResult> => {
    const env = new CodeActEnv({ engine: options.engine, suite, maxSteps: options.maxSteps });
    try {
      const maxSteps = job.task.max_steps ?? options.maxSteps;
      const transcript = await runAgentEpisode(env, chat, { id: job.task.id, index: job.index, maxSteps });
      if (options.transcriptsDir) await saveTranscript(options.transcriptsDir, transcript);
      const result = toResult(transcript);
      progress.tick(result.passed);
      await writer?.write(result);
      return result;
    } finally {
      await env.close();
    }
  };
  let results: SampleResult[];
  try {
    results = await mapConcurrent(jobs, options.concurrency, runJob);
  } finally {
    await writer?.close();
  }
  const wanted = new Set(all.map((j) => sampleKey(j.task.id, j.index)));
  const summary = summarize({
    suite: suite.name,
    format: suite.format,
    engine: options.engine,
    results: [...carried.filter((r) => wanted.has(sampleKey(r.task_id, r.sample_index))), ...results],
    ks: options.ks,
    skipped: 0,
    inputErrors: 0,
    durationMs: performance.now() - started,
  });
  return summary;
}

/** The results a stopped run left (infra failures are run again), as completion grading does. */
function previousResults(out: string, log: (line: string) => void): SampleResult[] {
  const repaired = repairInterruptedTail(out);
  if (repaired) log(repaired);
  const previous = readResults(out);
  for (const p of previous.problems) log(p);
  return previous.results.filter((r) => !r.infra);
}

function toResult(t: EpisodeTranscript): SampleResult {
  const last = t.steps.at(-1)?.observation as
    | {
        tests?: SampleResult["tests"] & { cases: SampleResult["cases"] };
        usage?: SampleResult["usage"];
        infra_error?: boolean;
      }
    | undefined;
  const upstream = t.error !== null;
  return {
    task_id: t.task_id,
    sample_index: t.sample_index,
    passed: t.passed,
    infra: upstream || last?.infra_error === true,
    error_kind: t.passed ? null : upstream ? "upstream" : (t.done_reason ?? "tests_failed"),
    reason: t.error,
    tests: last?.tests
      ? {
          passed: last.tests.passed,
          failed: last.tests.failed,
          skipped: last.tests.skipped,
          total: last.tests.total,
        }
      : { passed: 0, failed: 0, skipped: 0, total: 0 },
    cases: last?.tests?.cases ?? [],
    usage: last?.usage ?? { wall_ms: 0, cpu_ms: 0, heap_bytes: 0 },
  };
}

async function saveTranscript(dir: string, t: EpisodeTranscript): Promise<void> {
  const name = `${t.task_id.replace(/[^A-Za-z0-9._-]+/g, "_")}.${t.sample_index}.json`;
  await writeFile(join(dir, name), `${JSON.stringify(t, null, 2)}\n`);
}
