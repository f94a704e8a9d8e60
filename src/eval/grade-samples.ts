/**
 * Grades samples concurrently across the sandbox pool. Each sample runs in a fresh hardened
 * grading session (sandbox/grade.ts): cell 1 = task prompt + completion, cell 2 = hidden tests.
 * Infra failures are retried once and then reported as infra, never as the model's failure.
 */

import { CodeActError } from "../../errors/index.ts";
import { type EngineName, gradeProgram, type Limits } from "../../sandbox/index.ts";
import type { Task } from "../../tasks/index.ts";
import { createFileStoreTools, FILE_STORE_TOOL_NAMES } from "../env/index.ts";
import { mapConcurrent } from "./concurrency.ts";
import type { Sample } from "./samples.ts";

export interface SampleResult {
  task_id: string;
  sample_index: number;
  passed: boolean;
  /** The sandbox failed; not counted as a failure. */
  infra: boolean;
  error_kind: string | null;
  /** Why it did not pass, in one line. */
  reason: string | null;
  tests: { passed: number; failed: number; skipped: number; total: number };
  cases: Array<{ name: string; status: string; message?: string }>;
  usage: { wall_ms: number; cpu_ms: number; heap_bytes: number };
  /** The completions line's own keys (temperature, model, ...), as it had them. */
  extra?: Record<string, unknown>;
}

export interface GradeOptions {
  engine?: EngineName;
  concurrency: number;
  limits?: Partial<Limits>;
  /** Called as each sample finishes (results arrive out of order). */
  onResult?: (result: SampleResult) => void | Promise<void>;
}

const MAX_CASES_KEPT = 100;

export async function gradeSample(
  sample: Sample,
  options: Omit<GradeOptions, "concurrency">,
): Promise<SampleResult> {
  let attempt = 0;
  for (;;) {
    const grade = await gradeProgram({
      program: sample.task.prompt + sample.completion,
      tests: sample.task.tests,
      language: sample.task.language,
      ...toolsFor(sample.task),
      ...(options.engine ? { engine: options.engine } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    if (grade.infra && attempt++ < 1) continue;
    return {
      task_id: sample.task.id,
      sample_index: sample.index,
      passed: grade.passed,
      infra: grade.infra,
      error_kind: grade.error?.kind ?? (grade.passed ? null : grade.tests.failed > 0 ? "tests_failed" : null),
      reason: grade.passed ? null : (grade.reason ?? grade.error?.message ?? null),
      tests: {
        passed: grade.tests.passed,
        failed: grade.tests.failed,
        skipped: grade.tests.skipped,
        total: grade.tests.total,
      },
      cases: grade.tests.cases.slice(0, MAX_CASES_KEPT).map((c) => ({
        name: c.name,
        status: c.status,
        ...(c.message ? { message: c.message } : {}),
      })),
      usage: grade.usage,
      ...(sample.extra ? { extra: sample.extra } : {}),
    };
  }
}

/** A task that names the file store tools gets a fresh, empty store for each grading run. */
function toolsFor(task: Task): { tools?: ReturnType<typeof createFileStoreTools>["tools"] } {
  const names = task.tools ?? [];
  const unknown = names.filter((n) => !(FILE_STORE_TOOL_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `task ${task.id} needs tools the grader does not have: ${unknown.join(", ")}`,
    );
  }
  return names.length > 0 ? { tools: createFileStoreTools().tools } : {};
}

/** Runs every sample with at most `concurrency` in flight; returns results in input order. */
export async function gradeSamples(
  samples: readonly Sample[],
  options: GradeOptions,
): Promise<SampleResult[]> {
  return mapConcurrent(samples, options.concurrency, async (sample) => {
    const result = await gradeSample(sample, options);
    await options.onResult?.(result);
    return result;
  });
}
