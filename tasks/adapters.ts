/**
 * Converters from common public benchmark formats to the task format, so a suite published as
 * HumanEval records, MultiPL-E records or an Exercism exercise can be graded as-is.
 */
import { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { replaceAssertRequires, stripExports, stripImports } from "./modules.ts";
import { describeZodIssues, type Task, type TaskLanguage, taskSchema } from "./schema.ts";

export type RecordFormat = "task" | "humaneval" | "multipl-e" | "exercism";

export interface AdaptOptions {
  /** Sets `suite` and prefixes ids with "<suite>/". */
  suite?: string;
  /** Language when the record does not say (default "js"). */
  language?: TaskLanguage;
}

/** HumanEval-style: the test defines `check(candidate)`, called here with the entry point. */
export const humanEvalRecordSchema = z.looseObject({
  task_id: z.union([z.string().min(1), z.number()]),
  prompt: z.string(),
  test: z.string().min(1),
  entry_point: z.string().min(1),
  canonical_solution: z.string().optional(),
  language: z.string().optional(),
});

/** MultiPL-E-style: tests define and call `test()`, binding `candidate` to the entry point. */
export const multiplERecordSchema = z.looseObject({
  name: z.string().min(1),
  prompt: z.string(),
  tests: z.string().min(1),
  language: z.string().optional(),
  stop_tokens: z.array(z.string()).optional(),
  doctests: z.string().optional(),
  original: z.string().optional(),
  canonical_solution: z.string().optional(),
});

/** One Exercism exercise: the spec file, the example solution and the instructions. */
export const exercismRecordSchema = z.looseObject({
  slug: z.string().min(1),
  spec: z.string().min(1),
  example: z.string().min(1),
  instructions: z.string().optional(),
  stub: z.string().optional(),
  language: z.string().optional(),
});

export type HumanEvalRecord = z.infer<typeof humanEvalRecordSchema>;
export type MultiplERecord = z.infer<typeof multiplERecordSchema>;
export type ExercismRecord = z.infer<typeof exercismRecordSchema>;

function has(record: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.every((k) => record[k] !== undefined);
}

/** Which format a parsed JSON record is in, or null when none is recognized. */
export function detectFormat(record: unknown): RecordFormat | null {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return null;
  const r = record as Record<string, unknown>;
  if (has(r, "id", "prompt", "tests", "language")) return "task";
  if (has(r, "task_id", "prompt", "test")) return "humaneval";
  if (has(r, "slug", "spec", "example")) return "exercism";
  if (has(r, "name", "prompt", "tests")) return "multipl-e";
  return null;
}

/**
 * The format a record that is not complete in any format was meant to be in, from its id key
 * (each format names its records differently), so its errors can say what is missing.
 */
export function guessFormat(record: unknown): RecordFormat | null {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return null;
  if ("id" in record) return "task";
  if ("task_id" in record) return "humaneval";
  if ("slug" in record) return "exercism";
  if ("name" in record) return "multipl-e";
  return null;
}

export const RECORD_FORMATS: readonly RecordFormat[] = ["task", "humaneval", "multipl-e", "exercism"];

function normalizeLanguage(value: string | undefined, fallback: TaskLanguage): TaskLanguage {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (v === "js" || v === "javascript") return "js";
  if (v === "ts" || v === "typescript") return "ts";
  throw new CodeActError(
    "INVALID_ARGUMENT",
    `unsupported language ${JSON.stringify(value)} (expected js or ts)`,
  );
}

function withSuite(task: Task, options: AdaptOptions): Task {
  if (options.suite === undefined) return task;
  return { ...task, id: `${options.suite}/${task.id}`, suite: options.suite };
}

function finish(task: Task, options: AdaptOptions): Task {
  const parsed = taskSchema.safeParse(withSuite(task, options));
  if (!parsed.success) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `converted task is invalid: ${describeZodIssues(parsed.error).join("; ")}`,
    );
  }
  return parsed.data;
}

function parseRecord<T>(schema: z.ZodType<T>, record: unknown, format: string): T {
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `invalid ${format} record: ${describeZodIssues(parsed.error).join("; ")}`,
    );
  }
  return parsed.data;
}

/** OpenAI's HumanEval is Python and names no language: graded as JS, every sample would fail. */
function looksLikePython(r: HumanEvalRecord): boolean {
  return r.language === undefined && /^\s*def\s+\w+\s*\(.*\)\s*(->.*)?:\s*$/m.test(`${r.prompt}\n${r.test}`);
}

export function fromHumanEval(record: unknown, options: AdaptOptions = {}): Task {
  const r = parseRecord(humanEvalRecordSchema, record, "HumanEval");
  if (looksLikePython(r)) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `HumanEval record ${JSON.stringify(r.task_id)} is Python (def ...:); codeact-env grades JavaScript and TypeScript: use a JS translation (MultiPL-E humaneval-js, HumanEval-X js)`,
    );
  }
  const test = replaceAssertRequires(r.test);
  // A test that already calls check(...) at statement start needs no extra call.
  const calls = /^[ \t]*check\s*\(/m.test(test);
  const task: Task = {
    id: String(r.task_id),
    prompt: r.prompt,
    language: normalizeLanguage(r.language, options.language ?? "js"),
    tests: calls ? test : `${test.replace(/\s*$/, "")}\n\ncheck(${r.entry_point});\n`,
    entry_point: r.entry_point,
  };
  if (r.canonical_solution !== undefined) task.canonical_solution = r.canonical_solution;
  return finish(task, options);
}

/**
 * MultiPL-E tests declare and call a global `function test()`, which would collide with the
 * sandbox's Jest-style `test` (read-only while grading); rename it.
 */
function renameTestFunction(tests: string): string {
  return tests
    .replace(/^([ \t]*)function\s+test\s*\(\s*\)/m, "$1function __runTests()")
    .replace(/^([ \t]*)test\s*\(\s*\)\s*;?[ \t]*$/m, "$1__runTests();");
}

export function fromMultiplE(record: unknown, options: AdaptOptions = {}): Task {
  const r = parseRecord(multiplERecordSchema, record, "MultiPL-E");
  const tests = renameTestFunction(replaceAssertRequires(r.tests));
  const candidate = /\b(?:let|const|var)\s+candidate\s*=\s*([\w$]+)/.exec(tests)?.[1];
  const header = /function\s+([\w$]+)\s*\(/.exec(r.prompt)?.[1];
  const metadata: Record<string, unknown> = {};
  if (r.stop_tokens !== undefined) metadata.stop_tokens = r.stop_tokens;
  if (r.doctests !== undefined) metadata.doctests = r.doctests;
  if (r.original !== undefined) metadata.original = r.original;
  const task: Task = {
    id: r.name,
    prompt: r.prompt,
    language: normalizeLanguage(r.language, options.language ?? "js"),
    tests,
  };
  const entry = candidate ?? header;
  if (entry !== undefined) task.entry_point = entry;
  if (r.canonical_solution !== undefined) task.canonical_solution = r.canonical_solution;
  if (Object.keys(metadata).length > 0) task.metadata = metadata;
  return finish(task, options);
}

function commentSafe(text: string): string {
  return text.replaceAll("*/", "*\\/");
}

function exercismPrompt(r: ExercismRecord, language: TaskLanguage, names: string[], stub?: string): string {
  const lang = language === "ts" ? "TypeScript" : "JavaScript";
  const parts = [`Exercism ${lang} exercise: ${r.slug}`];
  if (r.instructions !== undefined) parts.push(r.instructions.trim());
  parts.push(
    `---\nWrite your solution as one plain ${lang} script with no import/export statements.\n` +
      `The hidden tests (Jest-style) refer to these top-level names: ${names.join(", ")}`,
  );
  if (stub !== undefined) parts.push(`Starter code (exports removed):\n\n${stub.trim()}`);
  return `/*\n${commentSafe(parts.join("\n\n"))}\n*/\n`;
}

/**
 * Exercism: the spec's imports of the solution module are removed (the solution's exports are
 * globals), names imported under another name get an alias line in the tests.
 */
export function fromExercism(record: unknown, options: AdaptOptions = {}): Task {
  const r = parseRecord(exercismRecordSchema, record, "Exercism");
  const language = normalizeLanguage(r.language, options.language ?? "js");
  const spec = stripImports(r.spec);
  const defaultLocal = spec.local.find((i) => i.defaultLocal !== undefined)?.defaultLocal;
  const example = stripExports(stripImports(r.example).code, defaultLocal);
  const aliases: string[] = [];
  const names = new Set<string>();
  for (const imp of spec.local) {
    if (imp.defaultLocal !== undefined) {
      const target = example.defaultName ?? imp.defaultLocal;
      names.add(target);
      if (target !== imp.defaultLocal) aliases.push(`const ${imp.defaultLocal} = ${target};`);
    }
    for (const { imported, local } of imp.named) {
      names.add(imported);
      if (imported !== local) aliases.push(`const ${local} = ${imported};`);
    }
    if (imp.namespace !== undefined) {
      for (const n of example.named) names.add(n);
      aliases.push(`const ${imp.namespace} = { ${example.named.join(", ")} };`);
    }
  }
  const entryPoints = [...names];
  const stub = r.stub === undefined ? undefined : stripExports(stripImports(r.stub).code, defaultLocal).code;
  const task: Task = {
    id: r.slug,
    prompt: exercismPrompt(r, language, entryPoints, stub),
    language,
    tests: `${aliases.map((a) => `${a}\n`).join("")}${spec.code.replace(/^\s+/, "")}`,
    canonical_solution: example.code,
    entry_points: entryPoints,
  };
  if (entryPoints[0] !== undefined) task.entry_point = entryPoints[0];
  if (stub !== undefined) task.starter_code = stub;
  return finish(task, options);
}

/** Converts a record in any recognized format, or the one given (a task passes through validated). */
export function adaptRecord(
  record: unknown,
  options: AdaptOptions = {},
  format: RecordFormat | null = detectFormat(record),
): Task {
  switch (format) {
    case "task":
      return finish(parseRecord(taskSchema, record, "task"), options);
    case "humaneval":
      return fromHumanEval(record, options);
    case "multipl-e":
      return fromMultiplE(record, options);
    case "exercism":
      return fromExercism(record, options);
    default:
      throw new CodeActError(
        "INVALID_ARGUMENT",
        "unrecognized record format: expected a task (id, prompt, language, tests), HumanEval (task_id, prompt, test, entry_point), MultiPL-E (name, prompt, tests) or Exercism (slug, spec, example)",
      );
  }
}
