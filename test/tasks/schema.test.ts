import { describe, expect, test } from "vitest";
import { completionSchema, describeZodIssues, type Task, taskSchema } from "../../tasks/index.ts";

const valid: Task = {
  id: "t/1",
  prompt: "function f() {\n",
  language: "js",
  tests: "assert.strictEqual(f(), 1);",
};

function issuesOf(value: unknown): string[] {
  const r = taskSchema.safeParse(value);
  if (r.success) return [];
  return describeZodIssues(r.error);
}

describe("taskSchema", () => {
  test("accepts a minimal task and every optional key", () => {
    expect(taskSchema.parse(valid)).toEqual(valid);
    const full = {
      ...valid,
      entry_point: "f",
      canonical_solution: null,
      suite: "s",
      metadata: { difficulty: "easy" },
      entry_points: ["f"],
      starter_code: "function f() {}",
      source: { repo: "r" },
      license: "MIT",
      known_issue: "flaky",
      upstream_canonical_solution_failed: "TypeError",
      in_aider_polyglot: true,
      tools: ["read_file"],
      done_when_tests_pass: true,
      max_steps: 5,
    };
    expect(taskSchema.parse(full)).toEqual(full);
  });

  test.each([
    ["id", { ...valid, id: "" }, "id: must be a non-empty string"],
    ["id missing", { ...valid, id: undefined }, "id: missing required field"],
    ["prompt", { ...valid, prompt: 3 }, "prompt:"],
    ["language", { ...valid, language: "py" }, "language:"],
    ["tests empty", { ...valid, tests: "  \n" }, "tests: must be non-empty code"],
    ["tests missing", { id: "x", prompt: "", language: "ts" }, "tests: missing required field"],
    ["entry_point", { ...valid, entry_point: 1 }, "entry_point:"],
    ["canonical_solution", { ...valid, canonical_solution: 1 }, "canonical_solution:"],
    ["suite", { ...valid, suite: [] }, "suite:"],
    ["metadata", { ...valid, metadata: "x" }, "metadata:"],
    ["entry_points", { ...valid, entry_points: [1] }, "entry_points.0:"],
    ["source", { ...valid, source: "repo" }, "source:"],
    ["in_aider_polyglot", { ...valid, in_aider_polyglot: "yes" }, "in_aider_polyglot:"],
    ["tools", { ...valid, tools: [""] }, "tools.0: must be a non-empty string"],
    ["done_when_tests_pass", { ...valid, done_when_tests_pass: 1 }, "done_when_tests_pass:"],
    ["max_steps", { ...valid, max_steps: 1.5 }, "max_steps:"],
    ["max_steps positive", { ...valid, max_steps: 0 }, "max_steps:"],
    ["unknown key", { ...valid, test: "x" }, 'unknown key "test"'],
    ["not an object", [1], "(record):"],
  ])("%s: error names the field", (_name, value, expected) => {
    const issues = issuesOf(value);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.join("\n")).toContain(expected);
  });
});

describe("completionSchema", () => {
  test("accepts task_id + completion with optional sample_id and metadata", () => {
    const c = { task_id: "t/1", completion: "return 1;}", sample_id: 3, metadata: { model: "m" } };
    expect(completionSchema.parse(c)).toEqual(c);
  });
  test("rejects unknown keys and missing fields", () => {
    const r = completionSchema.safeParse({ task_id: "t", extra: 1 });
    expect(r.success).toBe(false);
    if (!r.success) {
      const text = describeZodIssues(r.error).join("\n");
      expect(text).toContain("completion: missing required field");
      expect(text).toContain('unknown key "extra"');
    }
  });
});
