/**
 * `codeact-env eval`: grade completions (or a suite's own references) on a suite of tasks with
 * hidden tests, concurrently across the sandbox pool; pass@k; resumable results file; summary.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { CodeActError } from "../../errors/index.ts";
import { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName, isEngineName } from "../../sandbox/index.ts";
import { type FormatOption, loadSuite, RECORD_FORMATS, type Suite } from "../../tasks/index.ts";
import {
  type EvalSummary,
  formatSummary,
  type GradeOptions,
  gradeSamples,
  type InputProblem,
  Progress,
  ResultsWriter,
  readCompletions,
  readResults,
  repairInterruptedTail,
  runAgentEval,
  type Sample,
  type SampleResult,
  sampleKey,
  samplesFromCompletions,
  samplesFromSuite,
  summarize,
} from "../eval/index.ts";

export const EVAL_HELP = `codeact-env eval — grade code on a suite of tasks with hidden tests

Usage:
  codeact-env eval [--suite builtin|<file.jsonl>] [--format auto|task|humaneval|multipl-e|exercism]
                   [--completions <file.jsonl> | --solutions canonical|wrong]
                   [--engine ${ENGINE_NAMES.join("|")}] [--concurrency N] [--k 1,10,100] [--timeout-ms N]
                   [--out <results.jsonl>] [--resume] [--json]
  codeact-env eval --agent openai --base-url <url> --model <name> [--max-steps N] [--api-key KEY]
                   [--transcripts <dir>] [--suite ...] [--tasks id,id] [--samples N] [--out ... [--resume]] [--json]

Options:
  --suite         the suite: "builtin" (default) or a task file (JSONL)
  --format        how to read the task file: auto (default: detected from its first record, and
                  named in the summary), task, humaneval, multipl-e or exercism (forces one)
  --completions   a file of {"task_id","completion"} lines (any number per task; each completion is
                  appended to its task's prompt, HumanEval convention; other keys of a line, such
                  as temperature, are kept and written to its result under "extra")
  --solutions     canonical: grade each task's reference solution (a self-check of the suite; tasks
                  without one are skipped); wrong: grade an empty body (every task must then fail)
                  (default when neither --completions nor --agent is given: canonical)
  --engine        sandbox engine (default isolated-vm; quickjs grades ~5x slower: each sample
                  compiles the whole in-sandbox prelude, see README "Performance")
  --concurrency   samples graded at once (default ${defaultConcurrency()})
  --k             pass@k values (default 1,10,100; a k is reported when tasks have >= k samples)
  --timeout-ms    wall-time limit of each cell (default 10000)
  --out           write one JSON result line per sample to this file
  --resume        skip samples (or agent episodes) already in --out (infra failures are graded
                  again; a last line cut short by an interrupted run is dropped)
  --json          print the summary as one JSON object on stdout (everything else on stderr)
  --agent openai  run a multi-turn CodeAct agent against an OpenAI-compatible chat endpoint
  --base-url      the endpoint, e.g. http://127.0.0.1:8080/v1   --model  the model name
  --max-steps     step budget of each agent episode (default 10)
  --api-key       bearer token (default: $OPENAI_API_KEY)
  --transcripts   directory for one transcript JSON per agent episode
  --tasks         only these task ids (comma separated)     --samples  episodes per task (agent, default 1)

Exit status: 0 when every sample was graded; 1 when a completions line was malformed or named an
unknown task, or samples ended in infra errors; 2 on a usage error.`;

function defaultConcurrency(): number {
  return Math.max(4, availableParallelism() * 4);
}

const OPTIONS = {
  suite: { type: "string", default: "builtin" },
  format: { type: "string", default: "auto" },
  completions: { type: "string" },
  solutions: { type: "string" },
  engine: { type: "string", default: DEFAULT_ENGINE },
  concurrency: { type: "string" },
  k: { type: "string", default: "1,10,100" },
  "timeout-ms": { type: "string", default: "10000" },
  out: { type: "string" },
  resume: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  agent: { type: "string" },
  "base-url": { type: "string" },
  model: { type: "string" },
  "max-steps": { type: "string", default: "10" },
  "api-key": { type: "string" },
  transcripts: { type: "string" },
  tasks: { type: "string" },
  samples: { type: "string", default: "1" },
  help: { type: "boolean", short: "h", default: false },
} as const;

export type EvalArgs = ReturnType<typeof parseEvalArgs>;

export function parseEvalArgs(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  const engine = values.engine;
  if (!isEngineName(engine)) usage(`--engine must be ${ENGINE_NAMES.join(" or ")} (got '${engine}')`);
  if (values.solutions !== undefined && values.solutions !== "canonical" && values.solutions !== "wrong") {
    usage(`--solutions must be canonical or wrong (got '${values.solutions}')`);
  }
  const modes = [values.completions, values.solutions, values.agent].filter((v) => v !== undefined);
  if (modes.length > 1) usage("--completions, --solutions and --agent exclude each other");
  if (values.resume && !values.out) usage("--resume needs --out (the results file to resume)");
  if (values.agent !== undefined && values.agent !== "openai")
    usage(`--agent must be openai (got '${values.agent}')`);
  if (values.agent && (!values["base-url"] || !values.model))
    usage("--agent openai needs --base-url and --model");
  const format = values.format;
  if (format !== "auto" && !(RECORD_FORMATS as readonly string[]).includes(format))
    usage(`--format must be auto, ${RECORD_FORMATS.join(", ")} (got '${format}')`);
  return {
    ...values,
    format: format as FormatOption,
    engine: engine as EngineName,
    ks: parseKs(values.k),
    concurrency: positiveInt("--concurrency", values.concurrency ?? String(defaultConcurrency())),
    timeoutMs: positiveInt("--timeout-ms", values["timeout-ms"]),
    maxSteps: positiveInt("--max-steps", values["max-steps"]),
    samplesPerTask: positiveInt("--samples", values.samples),
    taskIds: values.tasks
      ? values.tasks
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
  };
}

function usage(message: string): never {
  throw new CodeActError("INVALID_ARGUMENT", message);
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer (got '${text}')`);
  return n;
}

function parseKs(text: string): number[] {
  const ks = text.split(",").map((s) => positiveInt("--k", s.trim()));
  return [...new Set(ks)].sort((a, b) => a - b);
}

/** Prints to stderr when --json keeps stdout for the summary. */
export function makeLog(json: boolean): (line: string) => void {
  return (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);
}

export async function evalCommand(argv: string[]): Promise<number> {
  const args = parseEvalArgs(argv);
  if (args.help) {
    process.stdout.write(`${EVAL_HELP}\n`);
    return 0;
  }
  const log = makeLog(args.json);
  const suite = await loadSuite(args.suite, { format: args.format });
  for (const warning of suite.warnings) log(`warning: ${warning}`);
  const filtered = filterSuite(suite, args.taskIds);
  if (args.agent) {
    const summary = await runAgentEval(filtered, {
      engine: args.engine,
      chat: {
        baseUrl: args["base-url"] ?? "",
        model: args.model ?? "",
        apiKey: args["api-key"] ?? process.env.OPENAI_API_KEY,
      },
      samplesPerTask: args.samplesPerTask,
      maxSteps: args.maxSteps,
      concurrency: args.concurrency,
      ks: args.ks,
      out: args.out,
      resume: args.resume,
      transcriptsDir: args.transcripts,
      log,
    });
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else log(formatSummary(summary));
    return summary.infra_errors > 0 ? 1 : 0;
  }
  const { samples, skipped, problems } = await collectSamples(filtered, args);
  for (const p of problems)
    log(`${p.line !== undefined ? `${args.completions}:${p.line}: ` : ""}${p.message}`);
  const summary = await gradeAndSummarize(filtered, samples, skipped.length, problems.length, args, log);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else log(formatSummary(summary));
  return problems.length > 0 || summary.infra_errors > 0 ? 1 : 0;
}

function filterSuite(suite: Suite, ids: string[] | undefined): Suite {
  if (!ids) return suite;
  const missing = ids.filter((id) => !suite.get(id));
  if (missing.length) usage(`--tasks names unknown task ids: ${missing.join(", ")}`);
  const tasks = ids.map((id) => suite.get(id)).filter((t) => t !== undefined);
  return { ...suite, tasks, get: (id) => (ids.includes(id) ? suite.get(id) : undefined), errors: [] };
}

async function collectSamples(
  suite: Suite,
  args: EvalArgs,
): Promise<{ samples: Sample[]; skipped: string[]; problems: InputProblem[] }> {
  if (args.completions) {
    const { entries, problems } = await readCompletions(args.completions);
    const fromFile = samplesFromCompletions(suite, entries);
    return { samples: fromFile.samples, skipped: [], problems: [...problems, ...fromFile.problems] };
  }
  const mode = args.solutions === "wrong" ? "wrong" : "canonical";
  return { ...samplesFromSuite(suite, mode), problems: [] };
}

async function gradeAndSummarize(
  suite: Suite,
  samples: Sample[],
  skipped: number,
  inputErrors: number,
  args: EvalArgs,
  log: (line: string) => void,
): Promise<EvalSummary> {
  const repaired = args.resume && args.out ? repairInterruptedTail(args.out) : undefined;
  if (repaired) log(repaired);
  const previous = args.resume && args.out ? readResults(args.out) : { results: [], problems: [] };
  for (const p of previous.problems) log(p);
  const kept = previous.results.filter((r) => !r.infra);
  const done = new Set(kept.map((r) => sampleKey(r.task_id, r.sample_index)));
  const todo = samples.filter((s) => !done.has(sampleKey(s.task.id, s.index)));
  if (args.resume) log(`resuming: ${kept.length} samples already graded, ${todo.length} to go`);
  const writer = args.out ? new ResultsWriter(args.out, args.resume) : undefined;
  const progress = new Progress(todo.length, process.stderr);
  const started = performance.now();
  const options: GradeOptions = {
    engine: args.engine,
    concurrency: args.concurrency,
    limits: { timeoutMs: args.timeoutMs, cpuTimeMs: args.timeoutMs },
    onResult: async (result: SampleResult) => {
      progress.tick(result.passed);
      await writer?.write(result);
    },
  };
  try {
    const fresh = await gradeSamples(todo, options);
    const wanted = new Set(samples.map((s) => sampleKey(s.task.id, s.index)));
    const carried = kept.filter((r) => wanted.has(sampleKey(r.task_id, r.sample_index)));
    return summarize({
      suite: suite.name,
      format: suite.format,
      engine: args.engine,
      results: [...carried, ...fresh],
      ks: args.ks,
      skipped,
      inputErrors,
      durationMs: performance.now() - started,
    });
  } finally {
    await writer?.close();
  }
}
