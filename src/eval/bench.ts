/**
 * Grader benchmark: the reference solutions of a HumanEval-style suite graded by our sandbox pool
 * versus the suite's original way (one `node` process per sample), both with the same
 * concurrency, measured in the same run.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { EngineName } from "../../sandbox/index.ts";
import { loadSuite } from "../../tasks/index.ts";
import { mapConcurrent } from "./concurrency.ts";
import { gradeSamples } from "./grade-samples.ts";
import { samplesFromSuite } from "./samples.ts";

const run = promisify(execFile);

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export async function benchGrader(opts: {
  suitePath: string;
  engine?: EngineName;
  quick?: boolean;
}): Promise<BenchRow[]> {
  const suite = await loadSuite(opts.suitePath);
  const { samples } = samplesFromSuite(suite, "canonical");
  const engine = opts.engine ?? "isolated-vm";
  const workers = availableParallelism();
  // Warm the pool once so the figure is steady-state grading, as in a long eval run.
  await gradeSamples(samples.slice(0, 8), { engine, concurrency: 8 });
  const t0 = performance.now();
  const results = await gradeSamples(samples, { engine, concurrency: workers * 4 });
  const oursMs = performance.now() - t0;
  const passed = results.filter((r) => r.passed).length;
  const baselineSamples = opts.quick ? samples.slice(0, 24) : samples;
  const baselineMs = await nodePerSample(baselineSamples, workers);
  const baselinePerSample = baselineMs / baselineSamples.length;
  const oursPerSample = oursMs / samples.length;
  return [
    {
      name: `grade ${suite.name} references (${engine})`,
      value: oursMs,
      unit: "ms",
      note: `${samples.length} samples, ${passed} passed`,
    },
    { name: "grade: per sample (ours)", value: oursPerSample, unit: "ms" },
    {
      name: "grade: per sample, one node process each",
      value: baselinePerSample,
      unit: "ms",
      note: `${baselineSamples.length} samples, concurrency ${workers}`,
    },
    {
      name: "grade: speed-up vs node per sample",
      value: baselinePerSample / oursPerSample,
      unit: "x",
      note: "target >= 50x",
    },
  ];
}

/** The original harness's way: write prompt + solution + tests to a file and run `node` on it. */
async function nodePerSample(
  samples: ReturnType<typeof samplesFromSuite>["samples"],
  concurrency: number,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "codeact-bench-"));
  try {
    const files = await Promise.all(
      samples.map(async (s, i) => {
        const file = join(dir, `sample-${i}.js`);
        await writeFile(file, `${s.task.prompt}${s.completion}\n${s.task.tests}\n`);
        return file;
      }),
    );
    const t0 = performance.now();
    await mapConcurrent(files, concurrency, (file) =>
      run(process.execPath, [file], { timeout: 10_000 }).catch(() => undefined),
    );
    return performance.now() - t0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
