/**
 * What an eval run grades: samples of (task, completion). Completions come from a file (HumanEval
 * convention: appended to the task's prompt), from each task's reference solution, or are a
 * deliberately empty body (a suite whose tests pass on nothing is broken).
 */
import type { Suite, Task } from "../../tasks/index.ts";

export interface Sample {
  task: Task;
  /** 0-based index of this sample among the task's samples (pass@k needs several per task). */
  index: number;
  completion: string;
  /** Keys of the completions line beyond task_id and completion, carried into the result. */
  extra?: Record<string, unknown>;
}

export interface InputProblem {
  /** 1-based line of the completions file, when the problem is tied to one. */
  line?: number;
  message: string;
}

export type SolutionsMode = "canonical" | "wrong";

/** Samples from each task's own reference (or an empty body); tasks with no reference are skipped. */
export function samplesFromSuite(
  suite: Suite,
  mode: SolutionsMode,
): { samples: Sample[]; skipped: string[] } {
  const samples: Sample[] = [];
  const skipped: string[] = [];
  for (const task of suite.tasks) {
    if (mode === "wrong") {
      samples.push({ task, index: 0, completion: emptyBody(task.prompt) });
    } else if (typeof task.canonical_solution === "string") {
      samples.push({ task, index: 0, completion: task.canonical_solution });
    } else {
      skipped.push(task.id);
    }
  }
  return { samples, skipped };
}

/** Completions file lines -> samples; unknown task ids are problems (with their line), the rest go on. */
export function samplesFromCompletions(
  suite: Suite,
  lines: ReadonlyArray<{
    line: number;
    task_id: string;
    completion: string;
    extra?: Record<string, unknown>;
  }>,
): { samples: Sample[]; problems: InputProblem[] } {
  const samples: Sample[] = [];
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  for (const entry of lines) {
    const task = suite.get(entry.task_id);
    if (!task) {
      problems.push({
        line: entry.line,
        message: `unknown task_id '${entry.task_id}' (not in suite '${suite.name}')`,
      });
      continue;
    }
    const index = seen.get(task.id) ?? 0;
    seen.set(task.id, index + 1);
    samples.push({
      task,
      index,
      completion: entry.completion,
      ...(entry.extra ? { extra: entry.extra } : {}),
    });
  }
  return { samples, problems };
}

/**
 * An empty body for the prompt: HumanEval-style prompts end inside an open function header, so
 * the body is just the closing braces (the function then returns undefined); others need nothing.
 */
export function emptyBody(prompt: string): string {
  const open = unbalancedBraces(prompt);
  return open > 0 ? `\n${"}\n".repeat(open)}` : "\n";
}

/** Counts `{` minus `}` outside strings, template literals and comments. */
function unbalancedBraces(source: string): number {
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    const next = source[i + 1];
    if (ch === "/" && next === "/") i = skipUntil(source, i, "\n");
    else if (ch === "/" && next === "*") i = skipUntil(source, i + 2, "*/") + 1;
    else if (ch === '"' || ch === "'" || ch === "`") i = skipString(source, i, ch);
    else {
      if (ch === "{") depth++;
      if (ch === "}") depth--;
      i++;
    }
  }
  return depth;
}

function skipUntil(source: string, from: number, end: string): number {
  const at = source.indexOf(end, from);
  return at === -1 ? source.length : at + 1;
}

function skipString(source: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === "\\" ? 2 : 1;
  return i + 1;
}
