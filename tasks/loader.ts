/**
 * Task and completion files (JSONL). Every error names the file and the 1-based line so a person
 * can fix a suite of hundreds of tasks without bisecting it.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { z } from "zod";
import { CodeActError } from "../sandbox/index.ts";
import { adaptRecord, detectFormat } from "./adapters.ts";
import { builtinTasks } from "./builtin/index.ts";
import { type Completion, completionSchema, describeIssues, type Task, taskSchema } from "./schema.ts";

export interface TaskLoadError {
  /** The file (or the `source` given to the parser; "<input>" when none). */
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

export interface Suite {
  name: string;
  tasks: readonly Task[];
  get(id: string): Task | undefined;
  /** Lines skipped with `skipInvalid` (empty otherwise). */
  errors: TaskLoadError[];
}

export interface ParseOptions {
  /** Names the file in error messages. */
  source?: string;
  /** Convert records in a known public format (HumanEval, MultiPL-E, Exercism) to tasks. */
  adapt?: boolean;
}

export interface LoadSuiteOptions {
  /** Return the valid tasks and list the bad lines in `errors` instead of throwing. */
  skipInvalid?: boolean;
  /** See ParseOptions.adapt. */
  adapt?: boolean;
}

/** How many errors a TASK_FILE error message lists before "... and N more". */
const MAX_LISTED_ERRORS = 10;

export function formatLoadError(e: TaskLoadError): string {
  return `${e.file}:${e.line}: ${e.message}`;
}

interface JsonLine {
  line: number;
  value: unknown;
}

function parseJsonLines(text: string, file: string, errors: TaskLoadError[]): JsonLine[] {
  const out: JsonLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    if (raw.trim() === "") continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      errors.push({ file, line: i + 1, message: `invalid JSON: ${why}` });
    }
  }
  return out;
}

/** Invalid-JSON errors are found in a first pass; report all in file order (sort is stable). */
function byLine(errors: TaskLoadError[]): TaskLoadError[] {
  return errors.sort((a, b) => a.line - b.line);
}

function pushIssues(errors: TaskLoadError[], file: string, line: number, error: z.ZodError): void {
  for (const message of describeIssues(error)) errors.push({ file, line, message });
}

function toTaskCandidate(value: unknown, adapt: boolean): unknown {
  if (!adapt) return value;
  const format = detectFormat(value);
  return format === "task" || format === null ? value : adaptRecord(value);
}

export function parseTasksJsonl(
  text: string,
  options: ParseOptions = {},
): { tasks: Task[]; errors: TaskLoadError[] } {
  const file = options.source ?? "<input>";
  const errors: TaskLoadError[] = [];
  const tasks: Task[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const { line, value } of parseJsonLines(text, file, errors)) {
    let candidate: unknown;
    try {
      candidate = toTaskCandidate(value, options.adapt === true);
    } catch (err) {
      errors.push({ file, line, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const parsed = taskSchema.safeParse(candidate);
    if (!parsed.success) {
      pushIssues(errors, file, line, parsed.error);
      continue;
    }
    const seen = firstLineOfId.get(parsed.data.id);
    if (seen !== undefined) {
      errors.push({
        file,
        line,
        message: `duplicate id ${JSON.stringify(parsed.data.id)} (first on line ${seen})`,
      });
      continue;
    }
    firstLineOfId.set(parsed.data.id, line);
    tasks.push(parsed.data);
  }
  return { tasks, errors: byLine(errors) };
}

export function parseCompletionsJsonl(
  text: string,
  options: { source?: string } = {},
): { completions: Completion[]; errors: TaskLoadError[] } {
  const file = options.source ?? "<input>";
  const errors: TaskLoadError[] = [];
  const completions: Completion[] = [];
  for (const { line, value } of parseJsonLines(text, file, errors)) {
    const parsed = completionSchema.safeParse(value);
    if (parsed.success) completions.push(parsed.data);
    else pushIssues(errors, file, line, parsed.error);
  }
  return { completions, errors: byLine(errors) };
}

export function makeSuite(name: string, tasks: readonly Task[], errors: TaskLoadError[] = []): Suite {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return { name, tasks: Object.freeze([...tasks]), get: (id) => byId.get(id), errors };
}

export function taskFileError(file: string, errors: readonly TaskLoadError[]): CodeActError {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(formatLoadError);
  const more = errors.length > MAX_LISTED_ERRORS ? `\n... and ${errors.length - MAX_LISTED_ERRORS} more` : "";
  return new CodeActError(
    "TASK_FILE",
    `${file}: ${errors.length} invalid line${errors.length === 1 ? "" : "s"}:\n${listed.join("\n")}${more}`,
    { details: { file, errors: errors.slice(0, MAX_LISTED_ERRORS) } },
  );
}

/** "builtin" is the built-in suite; anything else is the path of a .jsonl task file. */
export async function loadSuite(pathOrName: string, options: LoadSuiteOptions = {}): Promise<Suite> {
  if (pathOrName === "builtin") return makeSuite("builtin", builtinTasks);
  let text: string;
  try {
    text = await readFile(pathOrName, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === "ENOENT" ? "NOT_FOUND" : "TASK_FILE";
    throw new CodeActError(code, `cannot read task file ${pathOrName}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parseOptions: ParseOptions = { source: pathOrName };
  if (options.adapt !== undefined) parseOptions.adapt = options.adapt;
  const { tasks, errors } = parseTasksJsonl(text, parseOptions);
  if (errors.length > 0 && options.skipInvalid !== true) throw taskFileError(pathOrName, errors);
  if (tasks.length === 0 && errors.length === 0) {
    throw new CodeActError("TASK_FILE", `${pathOrName}: the file holds no tasks`);
  }
  return makeSuite(basename(pathOrName).replace(/\.jsonl$/i, ""), tasks, errors);
}

/** Reads a completions file; any invalid line is a TASK_FILE error listing the first ones. */
export async function loadCompletions(path: string): Promise<Completion[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CodeActError("NOT_FOUND", `cannot read completions file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const { completions, errors } = parseCompletionsJsonl(text, { source: path });
  if (errors.length > 0) throw taskFileError(path, errors);
  return completions;
}
