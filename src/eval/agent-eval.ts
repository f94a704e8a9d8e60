/**
 * `eval --agent openai`: one CodeAct episode per (task, sample), run concurrently, each in its own
 * environment; a transcript per episode; the same results file and summary as completion grading.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Suite } from "../../tasks/index.ts";
import type { EvalArgs } from "../cli/eval.ts";
import { CodeActEnv } from "../env/index.ts";
import { type EpisodeTranscript, runAgentEpisode } from "./agent.ts";
import { mapConcurrent } from "./concurrency.ts";
import type { SampleResult } from "./grade-samples.ts";
import { Progress } from "./progress.ts";
import { ResultsWriter, readResults, repairInterruptedTail, sampleKey } from "./results-file.ts";
import { formatSummary, summarize } from "./summary.ts";

export async function runAgentEval(
  suite: Suite,
  args: EvalArgs,
  log: (line: string) => void,
): Promise<number> {
  const all = suite.tasks.flatMap((task) =>
    Array.from({ length: args.samplesPerTask }, (_, index) => ({ task, index })),
  );
  const carried = args.resume && args.out ? previousResults(args.out, log) : [];
  const done = new Set(carried.map((r) => sampleKey(r.task_id, r.sample_index)));
  const jobs = all.filter((j) => !done.has(sampleKey(j.task.id, j.index)));
  if (args.resume) log(`resuming: ${carried.length} episodes already graded, ${jobs.length} to go`);
  if (args.transcripts) await mkdir(args.transcripts, { recursive: true });
  const writer = args.out ? new ResultsWriter(args.out, args.resume) : undefined;
  const progress = new Progress(jobs.length);
  const started = performance.now();
  const chat = {
    baseUrl: args["base-url"] as string,
    model: args.model as string,
    apiKey: args["api-key"] ?? process.env.OPENAI_API_KEY,
  };
  const runJob = async (job: (typeof jobs)[number]): Promise<SampleResult> => {
    const env = new CodeActEnv({ engine: args.engine, suite, maxSteps: args.maxSteps });
    try {
      const maxSteps = job.task.max_steps ?? args.maxSteps;
      const transcript = await runAgentEpisode(env, chat, { id: job.task.id, index: job.index, maxSteps });
      if (args.transcripts) await saveTranscript(args.transcripts, transcript);
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
    results = await mapConcurrent(jobs, args.concurrency, runJob);
  } finally {
    await writer?.close();
  }
  const wanted = new Set(all.map((j) => sampleKey(j.task.id, j.index)));
  const summary = summarize({
    suite: suite.name,
    format: suite.format,
    engine: args.engine,
    results: [...carried.filter((r) => wanted.has(sampleKey(r.task_id, r.sample_index))), ...results],
    ks: args.ks,
    skipped: 0,
    inputErrors: 0,
    durationMs: performance.now() - started,
  });
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else log(formatSummary(summary));
  return summary.infra_errors > 0 ? 1 : 0;
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
