import { describe, expect, it } from "vitest";
import {
  Compiles,
  defaultRubric,
  ExecutionSucceeded,
  isScorable,
  normalizeOutput,
  OutputMatches,
  ResourcePenalty,
  type RubricObservation,
  SubmittedAnswer,
  scoreStep,
  TestsPassed,
} from "../../rewards/index.ts";
import type { Action, CallToolObservation, CodeObservation, Observation } from "../../src/env/types.ts";

const tests = (passed: number, failed: number, skipped = 0) => ({
  passed,
  failed,
  skipped,
  total: passed + failed + skipped,
  cases: [],
});

describe("TestsPassed", () => {
  it("fraction: passed / tests that count (the suite's own skipped tests do not)", async () => {
    const rubric = new TestsPassed({ mode: "fraction" });
    expect(await rubric.call({}, { tests: tests(3, 1) })).toBe(0.75);
    expect(await rubric.call({}, { tests: tests(1, 1, 1) })).toBe(0.5);
    expect(await rubric.call({}, { tests: tests(1, 0, 1) })).toBe(1);
    expect(await rubric.call({}, { tests: tests(0, 0, 2) })).toBe(0);
  });

  it("all: 1 only when every test passed", async () => {
    const rubric = new TestsPassed({ mode: "all" });
    expect(await rubric.call({}, { tests: tests(4, 0) })).toBe(1);
    expect(await rubric.call({}, { tests: tests(3, 1) })).toBe(0);
    expect(await rubric.call({}, { tests: tests(3, 0, 1) })).toBe(1);
    expect(await rubric.call({}, { tests: tests(3, 1, 1) })).toBe(0);
  });

  it("no tests -> 0; bad mode rejected", async () => {
    expect(await new TestsPassed().call({}, {})).toBe(0);
    expect(await new TestsPassed().call({}, { tests: tests(0, 0) })).toBe(0);
    expect(() => new TestsPassed({ mode: "most" as "all" })).toThrow("invalid TestsPassed options");
  });
});

describe("ExecutionSucceeded", () => {
  const rubric = new ExecutionSucceeded();
  it("1 for exit 0 without error, 0 otherwise", async () => {
    expect(await rubric.call({}, { exit_code: 0, stdout: "" })).toBe(1);
    expect(await rubric.call({}, { exit_code: 1 })).toBe(0);
    const error = { kind: "runtime", name: "TypeError", message: "x is not a function" };
    expect(await rubric.call({}, { exit_code: 0, error })).toBe(0);
    expect(await rubric.call({}, {})).toBe(0);
  });

  it("tool calls succeed when error is null", async () => {
    expect(await rubric.call({}, { tool_name: "search", result: 1, error: null })).toBe(1);
    const error = { error_type: "invalid_args", message: "bad" };
    expect(await rubric.call({}, { tool_name: "search", result: null, error })).toBe(0);
  });
});

describe("OutputMatches", () => {
  it("exact compares byte for byte", async () => {
    const rubric = new OutputMatches({ expected: "42\n", mode: "exact" });
    expect(await rubric.call({}, { stdout: "42\n" })).toBe(1);
    expect(await rubric.call({}, { stdout: "42" })).toBe(0);
  });

  it("normalized ignores CRLF, surrounding blank lines and runs of spaces", async () => {
    expect(normalizeOutput("\r\n  a   b\t c  \r\nd\r\n\n")).toBe("a b c\nd");
    const rubric = new OutputMatches({ expected: "a b\nc" });
    expect(await rubric.call({}, { stdout: "a    b  \r\n c\n\n" })).toBe(1);
    expect(await rubric.call({}, { stdout: "a b c" })).toBe(0);
  });

  it("regex tests a pattern, and can read the printed value", async () => {
    const rubric = new OutputMatches({ expected: "^\\[ 1, 2, 3 \\]$", mode: "regex", source: "value" });
    expect(await rubric.call({}, { value: "[ 1, 2, 3 ]" })).toBe(1);
    expect(await rubric.call({}, { value: "[ 1, 2 ]" })).toBe(0);
    expect(await rubric.call({}, {})).toBe(0);
    expect(() => new OutputMatches({ expected: "(", mode: "regex" })).toThrow("invalid regex");
  });

  it("round-trips its config", () => {
    const rubric = new OutputMatches({ expected: "x", mode: "exact" });
    const other = new OutputMatches({ expected: "y" });
    other.loadStateDict(rubric.stateDict());
    expect(other.stateDict()).toEqual({ "": { expected: "x", mode: "exact", source: "stdout" } });
  });
});

describe("ResourcePenalty", () => {
  const usage = (wall_ms: number, cpu_ms: number, heap_bytes: number) => ({
    usage: { wall_ms, cpu_ms, heap_bytes },
  });

  it("1 within budget, budget/used beyond it, the worst resource wins", async () => {
    const rubric = new ResourcePenalty({ wallMsBudget: 100, heapBytesBudget: 1_000 });
    expect(await rubric.call({}, usage(100, 9_999, 1_000))).toBe(1);
    expect(await rubric.call({}, usage(200, 0, 500))).toBe(0.5);
    expect(await rubric.call({}, usage(200, 0, 4_000))).toBe(0.25);
    expect(await rubric.call({}, {})).toBe(1);
  });

  it("needs a positive budget", () => {
    expect(() => new ResourcePenalty({})).toThrow("at least one");
    expect(() => new ResourcePenalty({ cpuMsBudget: 0 })).toThrow("cpuMsBudget");
  });
});

describe("SubmittedAnswer", () => {
  it("deep-equals the submitted answer; not submitted -> 0", async () => {
    const rubric = new SubmittedAnswer({ expected: { primes: [2, 3, 5] } });
    expect(await rubric.call({}, { submitted: { answer: { primes: [2, 3, 5] } } })).toBe(1);
    expect(await rubric.call({}, { submitted: { answer: { primes: [2, 3] } } })).toBe(0);
    expect(await rubric.call({}, { submitted: { answer: { primes: ["2", "3", "5"] } } })).toBe(0);
    expect(await rubric.call({}, {})).toBe(0);
  });

  it("uses a custom compare (boolean or partial score)", async () => {
    const near = new SubmittedAnswer({
      expected: 1.5,
      compare: (answer, expected) => Math.abs(Number(answer) - Number(expected)) < 1e-3,
    });
    expect(await near.call({}, { submitted: { answer: 1.5004 } })).toBe(1);
    const partial = new SubmittedAnswer({ expected: "abcd", compare: (a) => String(a).length / 4 });
    expect(await partial.call({}, { submitted: { answer: "ab" } })).toBe(0.5);
    const broken = new SubmittedAnswer({ expected: 1, compare: () => 2 });
    await expect(broken.call({}, { submitted: { answer: 1 } })).rejects.toThrow("need a boolean or [0, 1]");
  });
});

describe("Compiles", () => {
  const rubric = new Compiles();
  it("1 for code esbuild accepts (TS and top-level await), 0 for syntax errors", async () => {
    expect(
      await rubric.call({ code: "const x: number = await Promise.resolve(1); x", language: "ts" }, {}),
    ).toBe(1);
    expect(await rubric.call({ code: "let a = [1, 2].map((x) => x * 2)", language: "js" }, {})).toBe(1);
    expect(await rubric.call({ code: "const x: number = 1", language: "js" }, {})).toBe(0);
    expect(rubric.lastError).toContain("Expected");
    expect(await rubric.call({ code: "function (", language: "ts" }, {})).toBe(0);
  });

  it("non-code actions score nonCodeScore", async () => {
    expect(await rubric.call({ type: "call_tool", tool_name: "search", arguments: {} }, {})).toBe(0);
    expect(await new Compiles({ nonCodeScore: 1 }).call({ type: "list_tools" }, {})).toBe(1);
  });
});

describe("defaultRubric", () => {
  it("is Sequential(compiles gate, tests fraction) with readable paths", async () => {
    const rubric = defaultRubric({ hiddenTests: true });
    expect(rubric.namedRubrics().map(([path]) => path)).toEqual(["compiles", "compiles.rubric", "tests"]);
    expect(await rubric.call({ code: "1 +", language: "js" }, { tests: tests(2, 0) })).toBe(0);
    expect(rubric.lastScores()).toEqual({ "": 0, compiles: 0, "compiles.rubric": 0 });
    expect(await rubric.call({ code: "f()", language: "js" }, { tests: tests(1, 3) })).toBe(0.25);
    expect(rubric.lastScores()).toEqual({ "": 0.25, compiles: 1, "compiles.rubric": 1, tests: 0.25 });
  });

  it("lets a tool call through the gate to score the latest tests; without hidden tests, cells that ran score 1", async () => {
    const rubric = defaultRubric({ hiddenTests: true });
    expect(
      await rubric.call({ type: "call_tool", tool_name: "submit", arguments: {} }, { tests: tests(3, 1) }),
    ).toBe(0.75);
    const free = defaultRubric({ hiddenTests: false });
    expect(await free.call({ code: "1" }, { exit_code: 0 })).toBe(1);
    expect(await free.call({ code: "f()" }, { exit_code: 1 })).toBe(0);
  });

  it("accepts the environment's own action and observation objects", async () => {
    const action: Action = { code: "const ok: boolean = true", language: "ts" };
    const observation: CodeObservation = {
      stdout: "",
      stderr: "",
      exit_code: 0,
      tests: tests(2, 0),
      usage: { wall_ms: 1, cpu_ms: 1, heap_bytes: 1 },
    };
    const asUnion: Observation = observation;
    expect(await defaultRubric({ hiddenTests: true }).call(action, asUnion)).toBe(1);
  });
});

describe("isScorable", () => {
  it("masks infra failures and nothing else", () => {
    const infra: CodeObservation = {
      stdout: "",
      stderr: "",
      exit_code: 70,
      error: { kind: "infra", name: "InfraError", message: "sandbox process died" },
    };
    expect(isScorable(infra)).toBe(false);
    expect(isScorable({ infra_error: true })).toBe(false);
    const timeout: RubricObservation = {
      exit_code: 124,
      error: { kind: "timeout", name: "TimeoutError", message: "" },
    };
    expect(isScorable(timeout)).toBe(true);
    const tool: CallToolObservation = {
      tool_name: "t",
      result: null,
      error: { error_type: "timeout", message: "" },
    };
    expect(isScorable(tool)).toBe(true);
    expect(isScorable({ exit_code: 0 })).toBe(true);
  });
});

describe("scoreStep", () => {
  it("scores scorable steps with per-path rewards and masks infra failures with null", async () => {
    const rubric = defaultRubric({ hiddenTests: true });
    const scored = await scoreStep(rubric, { code: "f()" }, { exit_code: 0, tests: tests(1, 1) });
    expect(scored).toEqual({
      reward: 0.5,
      rewards: { "": 0.5, compiles: 1, "compiles.rubric": 1, tests: 0.5 },
    });
    const infra = { exit_code: 70, infra_error: true, tests: tests(1, 0) };
    expect(await scoreStep(rubric, { code: "f()" }, infra)).toEqual({ reward: null, rewards: {} });
  });
});
