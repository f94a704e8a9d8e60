/**
 * Task and completion files (JSONL). Every error names the file and the 1-based line so a person
 * can fix a suite of hundreds of tasks without bisecting it.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { adaptRecord, detectFormat, guessFormat, type RecordFormat } from "./adapters.ts";
import { builtinTasks } from "./builtin/index.ts";
import { countKeys, extraKeysWarning, splitKeys } from "./keys.ts";
import { type Completion, completionSchema, describeZodIssues, type Task, taskSchema } from "./schema.ts";

const TASK_KEYS = Object.keys(taskSchema.shape);
const COMPLETION_KEYS = Object.keys(completionSchema.shape);

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
  /** The record format the file was read as ("task" for the built-in suite). */
  format: RecordFormat;
  /** Things a person should know about the file that were not errors (unknown keys kept). */
  warnings: readonly string[];
}

/** "auto": detected per file from its first record that names a format. */
export type FormatOption = RecordFormat | "auto";

export interface ParseOptions {
  /** Names the file in error messages. */
  source?: string;
  /** Convert records in a known public format (HumanEval, MultiPL-E, Exercism) to tasks. */
  adapt?: boolean;
  /**
   * How to read the records; wins over `adapt`. Default "task" (or "auto" with `adapt`).
   * @default "task"
   */
  format?: FormatOption;
}

export interface LoadSuiteOptions {
  /** Return the valid tasks and list the bad lines in `errors` instead of throwing. */
  skipInvalid?: boolean;
  /** See ParseOptions.adapt. */
  adapt?: boolean;
  /**
   * How to read the file's records: detected from the file (default) or one format forced.
   * @default "auto"
   */
  format?: FormatOption;
}

export interface ParsedTasks {
  tasks: Task[];
  errors: TaskLoadError[];
  /** The format the records were read as. */
  format: RecordFormat;
  warnings: string[];
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
  for (const message of describeZodIssues(error)) errors.push({ file, line, message });
}

/** The file's format: the first record whose keys name one (every format has its own id key). */
function fileFormat(values: readonly JsonLine[]): RecordFormat {
  for (const { value } of values) {
    const format = detectFormat(value) ?? guessFormat(value);
    if (format !== null) return format;
  }
  return "task";
}

interface Candidate {
  value?: unknown;
  messages?: string[];
}

/** A task-format record: likely typos are errors, other unknown keys move into `metadata`. */
function taskCandidate(value: unknown, extraCounts: Map<string, number>): Candidate {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { value };
  const { known, extra, typos } = splitKeys(value as Record<string, unknown>, TASK_KEYS);
  if (typos.length > 0) return { messages: typos };
  if (Object.keys(extra).length === 0) return { value: known };
  const metadata = known.metadata ?? {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return { value: known };
  const clash = Object.keys(extra).filter((k) => Object.hasOwn(metadata, k));
  if (clash.length > 0) {
    return { messages: clash.map((k) => `unknown key ${JSON.stringify(k)} is also a key of metadata`) };
  }
  countKeys(extraCounts, extra);
  return {
    value: {
      ...known,
      metadata: Object.fromEntries([...Object.entries(metadata), ...Object.entries(extra)]),
    },
  };
}

function candidateFor(
  value: unknown,
  format: RecordFormat,
  forced: boolean,
  extraCounts: Map<string, number>,
): Candidate {
  const own = detectFormat(value);
  if (!forced && own !== null && own !== format) {
    return {
      messages: [
        `a ${own} record in a ${format} file (the format is detected from the first record; --format forces one)`,
      ],
    };
  }
  if (format === "task") return taskCandidate(value, extraCounts);
  try {
    return { value: adaptRecord(value, {}, format) };
  } catch (err) {
    return { messages: [err instanceof Error ? err.message : String(err)] };
  }
}

function resolveFormat(
  options: ParseOptions,
  lines: readonly JsonLine[],
): { format: RecordFormat; forced: boolean } {
  const wanted = options.format ?? (options.adapt === true ? "auto" : "task");
  if (wanted === "auto") return { format: fileFormat(lines), forced: false };
  return { format: wanted, forced: options.format !== undefined };
}

export function parseTasksJsonl(text: string, options: ParseOptions = {}): ParsedTasks {
  const file = options.source ?? "<input>";
  const errors: TaskLoadError[] = [];
  const tasks: Task[] = [];
  const firstLineOfId = new Map<string, number>();
  const extraCounts = new Map<string, number>();
  const lines = parseJsonLines(text, file, errors);
  const { format, forced } = resolveFormat(options, lines);
  for (const { line, value } of lines) {
    const candidate = candidateFor(value, format, forced, extraCounts);
    if (candidate.messages) {
      for (const message of candidate.messages) errors.push({ file, line, message });
      continue;
    }
    const parsed = taskSchema.safeParse(candidate.value);
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
  const warnings = extraCounts.size > 0 ? [extraKeysWarning(file, extraCounts, "metadata")] : [];
  return { tasks, errors: byLine(errors), format, warnings };
}

/**
 * Completions lines: keys beyond task_id, completion, sample_id and metadata (temperature, model,
 * ... as sampling scripts write them) are kept in `extra` and carried into the results
 * (HumanEval's harness convention); a likely typo of a known key is an error.
 */
export function parseCompletionsJsonl(
  text: string,
  options: { source?: string } = {},
): { completions: Completion[]; errors: TaskLoadError[] } {
  const file = options.source ?? "<input>";
  const errors: TaskLoadError[] = [];
  const completions: Completion[] = [];
  for (const { line, value } of parseJsonLines(text, file, errors)) {
    const isRecord = typeof value === "object" && value !== null && !Array.isArray(value);
    const split = isRecord ? splitKeys(value as Record<string, unknown>, COMPLETION_KEYS) : undefined;
    if (split && split.typos.length > 0) {
      for (const message of split.typos) errors.push({ file, line, message });
      continue;
    }
    const parsed = completionSchema.safeParse(split ? split.known : value);
    if (!parsed.success) {
      pushIssues(errors, file, line, parsed.error);
      continue;
    }
    const extra = split?.extra ?? {};
    completions.push(Object.keys(extra).length > 0 ? { ...parsed.data, extra } : parsed.data);
  }
  return { completions, errors: byLine(errors) };
}

export function makeSuite(
  name: string,
  tasks: readonly Task[],
  errors: TaskLoadError[] = [],
  read: { format?: RecordFormat; warnings?: readonly string[] } = {},
): Suite {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    name,
    tasks: Object.freeze([...tasks]),
    get: (id) => byId.get(id),
    errors,
    format: read.format ?? "task",
    warnings: read.warnings ?? [],
  };
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
  const format = options.format ?? (options.adapt === false ? "task" : "auto");
  const { tasks, errors, format: read, warnings } = parseTasksJsonl(text, { source: pathOrName, format });
  if (errors.length > 0 && options.skipInvalid !== true) throw taskFileError(pathOrName, errors);
  if (tasks.length === 0 && errors.length === 0) {
    throw new CodeActError("TASK_FILE", `${pathOrName}: the file holds no tasks`);
  }
  return makeSuite(basename(pathOrName).replace(/\.jsonl$/i, ""), tasks, errors, { format: read, warnings });
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
