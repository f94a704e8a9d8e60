/** The summary of an eval run: counts, pass@k, failures by kind, slowest tasks; as JSON or text. */
import type { SampleResult } from "./grade-samples.ts";
import { meanPassAtK } from "./passk.ts";

export interface EvalSummary {
  suite: string;
  /** The record format the task file was read as (task, humaneval, multipl-e, exercism). */
  format: string;
  engine: string;
  tasks: number;
  samples: number;
  passed: number;
  failed: number;
  infra_errors: number;
  skipped: number;
  input_errors: number;
  pass_at_k: Record<string, number>;
  /** How many tasks each pass@k averages over (tasks with at least k graded samples). */
  pass_at_k_tasks: Record<string, number>;
  failures_by_kind: Record<string, number>;
  /** Why samples ended in infra errors: each distinct reason (the first 5) and how many had it. */
  infra_reasons: Array<{ reason: string; count: number }>;
  slowest: Array<{ task_id: string; wall_ms: number }>;
  duration_ms: number;
  samples_per_second: number;
}

export function summarize(input: {
  suite: string;
  format: string;
  engine: string;
  results: readonly SampleResult[];
  ks: readonly number[];
  skipped: number;
  inputErrors: number;
  durationMs: number;
}): EvalSummary {
  const { results } = input;
  const graded = results.filter((r) => !r.infra);
  const perTask = new Map<string, { n: number; c: number }>();
  for (const r of graded) {
    const t = perTask.get(r.task_id) ?? { n: 0, c: 0 };
    t.n += 1;
    if (r.passed) t.c += 1;
    perTask.set(r.task_id, t);
  }
  const counts = [...perTask.values()];
  const passAt: Record<string, number> = {};
  const passAtTasks: Record<string, number> = {};
  for (const k of input.ks) {
    const mean = meanPassAtK(counts, k);
    if (!mean) continue;
    passAt[String(k)] = round(mean.value);
    passAtTasks[String(k)] = mean.tasks;
  }
  const failuresByKind: Record<string, number> = {};
  for (const r of graded) {
    if (r.passed) continue;
    const kind = r.error_kind ?? "tests_failed";
    failuresByKind[kind] = (failuresByKind[kind] ?? 0) + 1;
  }
  const slowest = [...results]
    .sort((a, b) => b.usage.wall_ms - a.usage.wall_ms)
    .slice(0, 5)
    .map((r) => ({ task_id: r.task_id, wall_ms: round(r.usage.wall_ms) }));
  const passed = graded.filter((r) => r.passed).length;
  return {
    suite: input.suite,
    format: input.format,
    engine: input.engine,
    tasks: new Set(results.map((r) => r.task_id)).size,
    samples: results.length,
    passed,
    failed: graded.length - passed,
    infra_errors: results.length - graded.length,
    skipped: input.skipped,
    input_errors: input.inputErrors,
    pass_at_k: passAt,
    pass_at_k_tasks: passAtTasks,
    failures_by_kind: failuresByKind,
    infra_reasons: infraReasons(results),
    slowest,
    duration_ms: round(input.durationMs),
    samples_per_second: input.durationMs > 0 ? round((results.length * 1000) / input.durationMs) : 0,
  };
}

const MAX_INFRA_REASONS = 5;

function infraReasons(results: readonly SampleResult[]): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (!r.infra) continue;
    const reason = r.reason ?? r.error_kind ?? "unknown";
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_INFRA_REASONS)
    .map(([reason, count]) => ({ reason, count }));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function formatSummary(s: EvalSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `suite ${s.suite} (${s.format} format, engine ${s.engine}): ${s.tasks} tasks, ${s.samples} samples in ${(s.duration_ms / 1000).toFixed(2)} s (${s.samples_per_second}/s)`,
    `passed ${s.passed}, failed ${s.failed}, infra errors ${s.infra_errors} (not counted), skipped ${s.skipped}, input errors ${s.input_errors}`,
  ];
  const ks = Object.keys(s.pass_at_k);
  if (ks.length) {
    lines.push(
      `pass@k: ${ks.map((k) => `pass@${k} ${pct(s.pass_at_k[k] ?? 0)} (${s.pass_at_k_tasks[k]} tasks)`).join(", ")}`,
    );
  }
  for (const { reason, count } of s.infra_reasons) lines.push(`infra error (${count}×): ${reason}`);
  const kinds = Object.entries(s.failures_by_kind).sort((a, b) => b[1] - a[1]);
  if (kinds.length) lines.push(`failures by kind: ${kinds.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  if (s.slowest.length) {
    lines.push(`slowest: ${s.slowest.map((t) => `${t.task_id} ${t.wall_ms.toFixed(1)} ms`).join(", ")}`);
  }
  return lines.join("\n");
}
