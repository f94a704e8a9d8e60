/**
 * Grader benchmark: the reference solutions of a HumanEval-style suite graded by each engine's
 * sandbox pool versus the suite's original way (one `node` process per sample), both with the
 * same concurrency, measured in the same run.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ENGINE_NAMES, type EngineName, gradeProgram } from "../../sandbox/index.ts";
import { loadSuite } from "../../tasks/index.ts";
import { gradeSamples, mapConcurrent, type Sample, samplesFromSuite } from "../eval/index.ts";
import type { BenchRow } from "./row.ts";

const run = promisify(execFile);

export async function benchGrader(opts: {
  suitePath: string;
  engines?: readonly EngineName[];
  quick?: boolean;
}): Promise<BenchRow[]> {
  const suite = await loadSuite(opts.suitePath);
  const { samples } = samplesFromSuite(suite, "canonical");
  // The same concurrency for both: a node process per sample also gains from a few in flight per
  // core (one waits on its pipes and disk while another computes), measured ~5-8% here.
  const concurrency = availableParallelism() * 4;
  const baselineSamples = opts.quick ? samples.slice(0, 24) : samples;
  const baselinePerSample = (await nodePerSample(baselineSamples, concurrency)) / baselineSamples.length;
  const rows: BenchRow[] = [
    {
      name: "grade: per sample, one node process each",
      value: baselinePerSample,
      unit: "ms",
      note: `${baselineSamples.length} samples, concurrency ${concurrency}`,
    },
  ];
  for (const engine of opts.engines ?? ENGINE_NAMES) {
    rows.push(...(await engineRows(suite.name, samples, engine, concurrency, baselinePerSample)));
  }
  return rows;
}

async function engineRows(
  suiteName: string,
  samples: Sample[],
  engine: EngineName,
  concurrency: number,
  baselinePerSample: number,
): Promise<BenchRow[]> {
  // Warm the pool once so the figure is steady-state grading, as in a long eval run.
  await gradeSamples(samples.slice(0, 8), { engine, concurrency: 8 });
  const t0 = performance.now();
  const results = await gradeSamples(samples, { engine, concurrency });
  const perSample = (performance.now() - t0) / samples.length;
  const passed = results.filter((r) => r.passed).length;
  const emptyPerSample = (await emptySamples(samples.length, engine, concurrency)) / samples.length;
  return [
    {
      name: `grade (${engine}): per sample`,
      value: perSample,
      unit: "ms",
      note: `${suiteName} references: ${samples.length} samples, ${passed} passed`,
    },
    {
      name: `grade (${engine}): speed-up vs node per sample`,
      value: baselinePerSample / perSample,
      unit: "x",
      note: "target >= 10x",
    },
    {
      name: `grade (${engine}): per empty sample`,
      value: emptyPerSample,
      unit: "ms",
      note: "empty program and tests: a fresh locked-down realm, the harness, the IPC; target <= 0.6 ms",
    },
    {
      name: `grade (${engine}): speed-up ceiling`,
      value: baselinePerSample / emptyPerSample,
      unit: "x",
      note: "node per sample vs an empty sample: the most this design can give here",
    },
  ];
}

/**
 * Empty program, empty tests: what a sample costs before any of its code runs (a fresh realm from
 * the hardened snapshot, the late built-ins and the harness locked down, the IPC). Printed beside the real
 * figure so a reader sees how much of grading is the sandbox and how much the samples.
 */
async function emptySamples(count: number, engine: EngineName, concurrency: number): Promise<number> {
  const empty = Array.from({ length: count }, () => ({
    program: "",
    tests: "",
    language: "js" as const,
    engine,
  }));
  const t0 = performance.now();
  const results = await mapConcurrent(empty, concurrency, (input) => gradeProgram(input));
  const ms = performance.now() - t0;
  // A figure from failing runs (an infra error is quick) would flatter the sandbox.
  const failed = results.find((r) => !r.passed);
  if (failed !== undefined) throw new Error(`an empty sample did not pass: ${failed.reason ?? "no reason"}`);
  return ms;
}

/** The original harness's way: write prompt + solution + tests to a file and run `node` on it. */
async function nodePerSample(samples: readonly Sample[], concurrency: number): Promise<number> {
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
