/**
 * The task file contract (shared/DESIGN.md "Task file"): one strict zod schema for a task and one
 * for a line of a completions file. The schemas are strict; the loader (tasks/keys.ts) decides
 * beforehand which unknown keys are typos (errors) and which are kept (metadata, extra).
 */
import { z } from "zod";

const nonEmpty = z.string().min(1, "must be a non-empty string");

export const languageSchema = z.enum(["js", "ts"]);

export const taskSchema = z.strictObject({
  id: nonEmpty,
  prompt: z.string(),
  language: languageSchema,
  tests: z.string().refine((s) => s.trim().length > 0, "must be non-empty code"),
  entry_point: z.string().optional(),
  canonical_solution: z.string().nullable().optional(),
  suite: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  // Keys the public suites (shared/suites) carry.
  entry_points: z.array(z.string()).optional(),
  starter_code: z.string().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  license: z.string().optional(),
  known_issue: z.string().optional(),
  upstream_canonical_solution_failed: z.string().optional(),
  in_aider_polyglot: z.boolean().optional(),
  // Environment options a task may ask for.
  /** Names of host tools the task needs (e.g. the file store: read_file, write_file, list_files). */
  tools: z.array(nonEmpty).optional(),
  /** End the episode as soon as a cell makes the task's tests pass. */
  done_when_tests_pass: z.boolean().optional(),
  /** Step budget of an episode on this task. */
  max_steps: z.number().int().positive().optional(),
});

export type Task = z.infer<typeof taskSchema>;
export type TaskLanguage = z.infer<typeof languageSchema>;

export const completionSchema = z.strictObject({
  task_id: nonEmpty,
  completion: z.string(),
  sample_id: z.union([z.string(), z.number().int()]).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type Completion = z.infer<typeof completionSchema> & {
  /** The line's other keys (temperature, model, ...), carried into the results as they were. */
  extra?: Record<string, unknown>;
};

/** One readable line per zod issue: "field.path: what was wrong". */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      return `${path ? `${path}: ` : ""}unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
    }
    if (issue.code === "invalid_type" && isMissing(issue)) {
      return `${path}: missing required field`;
    }
    return `${path || "(record)"}: ${issue.message}`;
  });
}

function isMissing(issue: z.core.$ZodIssueInvalidType): boolean {
  return issue.message.endsWith("received undefined");
}
