/** Rubrics that read a code step's observation: tests, success, output, resources, answers. */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { CodeActError } from "../errors/index.ts";
import { parseStrict } from "./parse-options.ts";
import { Rubric } from "./rubric.ts";
import type { Json, JsonObject, RubricAction, RubricObservation } from "./types.ts";

const testsSchema = z.strictObject({ mode: z.enum(["fraction", "all"]).default("fraction") });

/**
 * From observation.tests. "fraction": passed / total (skipped tests count as not passed);
 * "all": 1 when every test passed, else 0. No tests (absent or total 0) -> 0.
 */
export class TestsPassed extends Rubric {
  mode: "fraction" | "all";

  constructor(options: { mode?: "fraction" | "all" } = {}) {
    super();
    this.mode = parseStrict(testsSchema, options, "TestsPassed options").mode;
  }

  forward(_action: RubricAction, observation: RubricObservation): number {
    const tests = observation.tests;
    // Tests the suite itself skips (`test.skip`) are not the agent's to pass: they do not count.
    const counted = tests === undefined ? 0 : tests.total - tests.skipped;
    if (tests === undefined || counted <= 0) return 0;
    if (this.mode === "all") return tests.passed === counted && tests.failed === 0 ? 1 : 0;
    return Math.min(1, Math.max(0, tests.passed / counted));
  }

  protected override ownState(): JsonObject {
    return { mode: this.mode };
  }

  protected override loadOwnState(state: JsonObject): void {
    this.mode = parseStrict(testsSchema.required(), state, "TestsPassed state").mode;
  }
}

/**
 * 1 when the step ran cleanly: a code step with exit_code 0 and no error, or a tool call
 * (tool_name set) with no error. Anything else (including an observation without exit_code) -> 0.
 */
export class ExecutionSucceeded extends Rubric {
  forward(_action: RubricAction, observation: RubricObservation): number {
    const noError = observation.error === undefined || observation.error === null;
    if (observation.exit_code !== undefined) return observation.exit_code === 0 && noError ? 1 : 0;
    return observation.tool_name !== undefined && noError ? 1 : 0;
  }
}

export type OutputMatchMode = "exact" | "normalized" | "regex";

const outputSchema = z.strictObject({
  expected: z.string(),
  mode: z.enum(["exact", "normalized", "regex"]).default("normalized"),
  source: z.enum(["stdout", "value"]).default("stdout"),
});

/**
 * "normalized" text: CRLF and CR become LF; each line is trimmed and runs of spaces/tabs inside it
 * become one space; leading and trailing blank lines are dropped. Line breaks inside stay.
 */
export function normalizeOutput(text: string): string {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim().replace(/[ \t\f\v]+/g, " "));
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines.join("\n");
}

/**
 * 1 when observation[source] (stdout, or the printed last value) matches `expected`: "exact"
 * compares strings as they are, "normalized" compares normalizeOutput of both, "regex" tests
 * `new RegExp(expected)` (unanchored: add ^ and $ yourself). Missing output counts as "".
 */
export class OutputMatches extends Rubric {
  #config: z.output<typeof outputSchema>;
  #regex: RegExp | undefined;

  constructor(options: { expected: string; mode?: OutputMatchMode; source?: "stdout" | "value" }) {
    super();
    this.#config = parseStrict(outputSchema, options, "OutputMatches options");
    this.#regex = compileRegex(this.#config);
  }

  forward(_action: RubricAction, observation: RubricObservation): number {
    const actual = observation[this.#config.source] ?? "";
    const { expected, mode } = this.#config;
    if (mode === "regex") return this.#regex?.test(actual) ? 1 : 0;
    if (mode === "exact") return actual === expected ? 1 : 0;
    return normalizeOutput(actual) === normalizeOutput(expected) ? 1 : 0;
  }

  protected override ownState(): JsonObject {
    return { ...this.#config };
  }

  protected override loadOwnState(state: JsonObject): void {
    const config = parseStrict(outputSchema.required(), state, "OutputMatches state");
    this.#regex = compileRegex(config);
    this.#config = config;
  }
}

function compileRegex(config: { expected: string; mode: OutputMatchMode }): RegExp | undefined {
  if (config.mode !== "regex") return undefined;
  try {
    return new RegExp(config.expected);
  } catch (error) {
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `OutputMatches: invalid regex ${JSON.stringify(config.expected)}`,
      {
        cause: error,
      },
    );
  }
}

const budgetSchema = z
  .strictObject({
    wallMsBudget: z.number().positive().finite().optional(),
    cpuMsBudget: z.number().positive().finite().optional(),
    heapBytesBudget: z.number().positive().finite().optional(),
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    "give at least one of wallMsBudget, cpuMsBudget, heapBytesBudget",
  );

export interface ResourceBudgets {
  wallMsBudget?: number;
  cpuMsBudget?: number;
  heapBytesBudget?: number;
}

/**
 * Score = min over the given budgets of min(1, budget / used): 1 within every budget, 0.5 at twice
 * a budget, 0.25 at four times — decreasing, never below 0. An observation without usage -> 1.
 */
export class ResourcePenalty extends Rubric {
  #budgets: z.output<typeof budgetSchema>;

  constructor(budgets: ResourceBudgets) {
    super();
    this.#budgets = parseStrict(budgetSchema, budgets, "ResourcePenalty budgets");
  }

  forward(_action: RubricAction, observation: RubricObservation): number {
    const usage = observation.usage;
    if (usage === undefined) return 1;
    const { wallMsBudget, cpuMsBudget, heapBytesBudget } = this.#budgets;
    return Math.min(
      within(usage.wall_ms, wallMsBudget),
      within(usage.cpu_ms, cpuMsBudget),
      within(usage.heap_bytes, heapBytesBudget),
    );
  }

  protected override ownState(): JsonObject {
    const state: JsonObject = {};
    for (const [key, value] of Object.entries(this.#budgets)) if (value !== undefined) state[key] = value;
    return state;
  }

  protected override loadOwnState(state: JsonObject): void {
    this.#budgets = parseStrict(budgetSchema, state, "ResourcePenalty state");
  }
}

function within(used: number, budget: number | undefined): number {
  if (budget === undefined || !(used > budget)) return 1;
  return budget / used;
}

export type AnswerCompare = (
  answer: unknown,
  expected: unknown,
) => boolean | number | Promise<boolean | number>;

/**
 * observation.submitted.answer against `expected`: deep strict equality (node:util
 * isDeepStrictEqual) by default, or `compare` (true/false, or a score in [0, 1]). Not submitted -> 0.
 * stateDict() holds `expected` only when it is JSON.
 */
export class SubmittedAnswer extends Rubric {
  expected: unknown;
  readonly #compare: AnswerCompare;

  constructor(options: { expected: unknown; compare?: AnswerCompare }) {
    super();
    if (options.compare !== undefined && typeof options.compare !== "function") {
      throw new CodeActError("INVALID_ARGUMENT", "SubmittedAnswer: compare must be a function");
    }
    this.expected = options.expected;
    this.#compare = options.compare ?? isDeepStrictEqual;
  }

  async forward(_action: RubricAction, observation: RubricObservation): Promise<number> {
    if (observation.submitted === undefined) return 0;
    const verdict = await this.#compare(observation.submitted.answer, this.expected);
    if (typeof verdict === "boolean") return verdict ? 1 : 0;
    if (!(verdict >= 0 && verdict <= 1)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `SubmittedAnswer compare returned ${verdict}; need a boolean or [0, 1]`,
      );
    }
    return verdict;
  }

  protected override ownState(): JsonObject {
    return { expected: JSON.parse(JSON.stringify({ v: this.expected ?? null })).v as Json };
  }

  protected override loadOwnState(state: JsonObject): void {
    this.expected = parseStrict(
      z.strictObject({ expected: z.unknown() }),
      state,
      "SubmittedAnswer state",
    ).expected;
  }
}
