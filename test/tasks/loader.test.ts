import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import {
  builtinTasks,
  loadCompletions,
  loadSuite,
  parseCompletionsJsonl,
  parseTasksJsonl,
} from "../../tasks/index.ts";

const task = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, prompt: "", language: "js", tests: "assert.ok(true);", ...extra });

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "codeact-tasks-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parseTasksJsonl", () => {
  test("parses tasks and ignores blank lines", () => {
    const text = `\n${task("a")}\n   \n${task("b")}\r\n\n`;
    const { tasks, errors } = parseTasksJsonl(text);
    expect(errors).toEqual([]);
    expect(tasks.map((t) => t.id)).toEqual(["a", "b"]);
  });

  test("each error names the file, the 1-based line and what was wrong", () => {
    const lines = [
      task("ok1"),
      "{not json",
      JSON.stringify({ id: "m", language: "js", tests: "x" }),
      task("u", { tset: "typo" }),
      "",
      task("ok1"),
      task("bad-lang", { language: "python" }),
    ];
    const { tasks, errors } = parseTasksJsonl(lines.join("\n"), { source: "suite.jsonl" });
    expect(tasks.map((t) => t.id)).toEqual(["ok1"]);
    expect(errors.map((e) => [e.file, e.line])).toEqual([
      ["suite.jsonl", 2],
      ["suite.jsonl", 3],
      ["suite.jsonl", 4],
      ["suite.jsonl", 6],
      ["suite.jsonl", 7],
    ]);
    expect(errors[0]?.message).toMatch(/^invalid JSON/);
    expect(errors[1]?.message).toBe("prompt: missing required field");
    expect(errors[2]?.message).toBe('unknown key "tset" (did you mean "tests"?)');
    expect(errors[3]?.message).toBe('duplicate id "ok1" (first on line 1)');
    expect(errors[4]?.message).toMatch(/^language: /);
  });

  test("without a source the file is <input>", () => {
    expect(parseTasksJsonl("[").errors[0]?.file).toBe("<input>");
  });

  test("adapt converts records in public formats", () => {
    const record = {
      task_id: "HE/1",
      prompt: "function f() {\n",
      test: "function check(c) {}",
      entry_point: "f",
    };
    const { tasks, errors } = parseTasksJsonl(JSON.stringify(record), { adapt: true });
    expect(errors).toEqual([]);
    expect(tasks[0]?.tests).toContain("check(f);");
    expect(parseTasksJsonl(JSON.stringify(record)).errors[0]?.message).toMatch(
      /^a humaneval record in a task file/,
    );
  });
});

describe("parseCompletionsJsonl", () => {
  test("valid lines and line-numbered errors", () => {
    const text = [
      JSON.stringify({ task_id: "a", completion: "x" }),
      "",
      JSON.stringify({ task_id: "a", completion: "y", sample_id: 1, metadata: { t: 0.2 } }),
      JSON.stringify({ task_id: "b" }),
      JSON.stringify({ task_id: "b", completion: "z", score: 1, temperature: 0.8 }),
      JSON.stringify({ task_id: "b", completions: "z" }),
      "nope",
    ].join("\n");
    const { completions, errors } = parseCompletionsJsonl(text, { source: "c.jsonl" });
    expect(completions).toEqual([
      { task_id: "a", completion: "x" },
      { task_id: "a", completion: "y", sample_id: 1, metadata: { t: 0.2 } },
      { task_id: "b", completion: "z", extra: { score: 1, temperature: 0.8 } },
    ]);
    expect(errors.map((e) => `${e.file}:${e.line}: ${e.message}`)).toEqual([
      "c.jsonl:4: completion: missing required field",
      'c.jsonl:6: unknown key "completions" (did you mean "completion"?)',
      expect.stringMatching(/^c\.jsonl:7: invalid JSON/),
    ]);
  });
});

describe("loadSuite", () => {
  test("builtin", async () => {
    const suite = await loadSuite("builtin");
    expect(suite.name).toBe("builtin");
    expect(suite.tasks.length).toBe(builtinTasks.length);
    expect(suite.get("builtin/lru-cache")?.entry_point).toBe("LRUCache");
    expect(suite.get("nope")).toBeUndefined();
  });

  test("a file: name from the file name, tasks by id", async () => {
    const path = join(dir, "mine.jsonl");
    await writeFile(path, `${task("x/1")}\n${task("x/2")}\n`);
    const suite = await loadSuite(path);
    expect(suite.name).toBe("mine");
    expect(suite.tasks.map((t) => t.id)).toEqual(["x/1", "x/2"]);
    expect(suite.get("x/2")?.id).toBe("x/2");
    expect(suite.errors).toEqual([]);
  });

  test("a file with errors is a TASK_FILE error listing them with line numbers", async () => {
    const path = join(dir, "bad.jsonl");
    await writeFile(path, `${task("a")}\n{oops\n${task("a")}\n`);
    const error = await loadSuite(path).catch((e: unknown) => e);
    expect(isCodeActError(error, "TASK_FILE")).toBe(true);
    expect((error as Error).message).toContain(`${path}:2: invalid JSON`);
    expect((error as Error).message).toContain(`${path}:3: duplicate id "a"`);
  });

  test("skipInvalid returns the valid tasks and the errors", async () => {
    const path = join(dir, "mixed.jsonl");
    await writeFile(path, `${task("a")}\n{oops\n${task("b")}\n`);
    const suite = await loadSuite(path, { skipInvalid: true });
    expect(suite.tasks.map((t) => t.id)).toEqual(["a", "b"]);
    expect(suite.errors.map((e) => e.line)).toEqual([2]);
  });

  test("a missing file is NOT_FOUND; an empty file is TASK_FILE", async () => {
    expect(
      isCodeActError(await loadSuite(join(dir, "none.jsonl")).catch((e: unknown) => e), "NOT_FOUND"),
    ).toBe(true);
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "\n\n");
    expect(isCodeActError(await loadSuite(empty).catch((e: unknown) => e), "TASK_FILE")).toBe(true);
  });

  test("loadCompletions reads a file and rejects a bad one", async () => {
    const good = join(dir, "c.jsonl");
    await writeFile(good, `${JSON.stringify({ task_id: "a", completion: "1" })}\n`);
    expect(await loadCompletions(good)).toEqual([{ task_id: "a", completion: "1" }]);
    const bad = join(dir, "c-bad.jsonl");
    await writeFile(bad, `${JSON.stringify({ task_id: "a" })}\n`);
    const error = await loadCompletions(bad).catch((e: unknown) => e);
    expect(isCodeActError(error, "TASK_FILE")).toBe(true);
    expect((error as Error).message).toContain(`${bad}:1: completion: missing required field`);
  });
});

describe("task files as people have them", () => {
  const humanEval = (n: number) =>
    JSON.stringify({
      task_id: `HumanEval/${n}`,
      prompt: "function inc(x) {\n",
      canonical_solution: "  return x + 1;\n}\n",
      test: "function check(candidate) {\n  if (candidate(1) !== 2) throw new Error('inc');\n}\n",
      entry_point: "inc",
    });
  const multiplE = JSON.stringify({
    name: "HumanEval_0_inc",
    language: "js",
    prompt: "//Add one.\nfunction inc(x){\n",
    doctests: "transform",
    original: "x.py",
    prompt_terminology: "reworded",
    tests:
      "const assert = require('node:assert');\n\nfunction test() {\n  let candidate = inc;\n  assert.deepEqual(candidate(1),2);\n}\n\ntest();",
    stop_tokens: ["\nfunction ", "\n/*"],
  });

  test("the format is detected per file and reported", () => {
    const he = parseTasksJsonl([humanEval(0), humanEval(1)].join("\n"), { format: "auto" });
    expect(he.errors).toEqual([]);
    expect(he.format).toBe("humaneval");
    expect(he.tasks.map((t) => t.id)).toEqual(["HumanEval/0", "HumanEval/1"]);
    const me = parseTasksJsonl(multiplE, { format: "auto" });
    expect(me.errors).toEqual([]);
    expect(me.format).toBe("multipl-e");
    expect(me.tasks[0]?.entry_point).toBe("inc");
    expect(parseTasksJsonl(task("a"), { format: "auto" }).format).toBe("task");
  });

  test("a record of another format in a file is an error naming its line; a forced format reports what is missing", () => {
    const mixed = parseTasksJsonl([humanEval(0), task("a")].join("\n"), {
      format: "auto",
      source: "m.jsonl",
    });
    expect(mixed.tasks.map((t) => t.id)).toEqual(["HumanEval/0"]);
    expect(mixed.errors).toEqual([
      { file: "m.jsonl", line: 2, message: expect.stringMatching(/^a task record in a humaneval file/) },
    ]);
    const forced = parseTasksJsonl(task("a"), { format: "humaneval" });
    expect(forced.format).toBe("humaneval");
    expect(forced.errors[0]?.message).toMatch(/^invalid HumanEval record: .*test: missing required field/);
  });

  test("an incomplete record is judged in the format its id key names", () => {
    const { errors, format } = parseTasksJsonl(JSON.stringify({ task_id: "x", prompt: "" }), {
      format: "auto",
    });
    expect(format).toBe("humaneval");
    expect(errors[0]?.message).toMatch(/test: missing required field/);
  });

  test("other unknown keys move into metadata, with one warning for the file", () => {
    const lines = [
      task("a", { difficulty: "easy", tags: ["x"] }),
      task("b", { difficulty: "hard", metadata: { origin: "me" } }),
      task("c", { metadata: { difficulty: 1 }, difficulty: 2 }),
      task("d", { tags: [] }).replace('"tags"', '"__proto__"'),
    ];
    const { tasks, errors, warnings } = parseTasksJsonl(lines.join("\n"), { source: "s.jsonl" });
    expect(tasks.map((t) => t.id)).toEqual(["a", "b"]);
    expect(tasks[0]?.metadata).toEqual({ difficulty: "easy", tags: ["x"] });
    expect(tasks[1]?.metadata).toEqual({ origin: "me", difficulty: "hard" });
    expect(errors).toEqual([
      { file: "s.jsonl", line: 3, message: 'unknown key "difficulty" is also a key of metadata' },
      { file: "s.jsonl", line: 4, message: 'key "__proto__" is not allowed' },
    ]);
    expect(warnings).toEqual([
      's.jsonl: unknown keys kept in metadata: "difficulty" (2 lines), "tags" (1 line)',
    ]);
  });

  test("typos of known keys, in any spelling, are errors that say which key was meant", () => {
    const typos = {
      test: "tests",
      entryPoint: "entry_point",
      canonical_soluton: "canonical_solution",
      tset: "tests",
      tool: "tools",
    };
    for (const [typo, meant] of Object.entries(typos)) {
      const { errors } = parseTasksJsonl(task("a", { [typo]: "x" }));
      expect(errors.map((e) => e.message)).toContain(`unknown key "${typo}" (did you mean "${meant}"?)`);
    }
    // A shortened key counts as a typo only while the key it shortens is missing.
    const { errors } = parseTasksJsonl(JSON.stringify({ id: "a", prompt: "", lang: "js", tests: "x" }));
    expect(errors.map((e) => e.message)).toContain('unknown key "lang" (did you mean "language"?)');
    const kept = parseTasksJsonl(task("a", { text: "words", name: "n", lang: "en" }));
    expect(kept.errors).toEqual([]);
    expect(kept.tasks[0]?.metadata).toEqual({ text: "words", name: "n", lang: "en" });
  });

  test("loadSuite detects the format and a suite says which it read", async () => {
    const path = join(dir, "he.jsonl");
    await writeFile(path, `${humanEval(0)}\n`);
    const suite = await loadSuite(path);
    expect(suite.format).toBe("humaneval");
    expect(suite.get("HumanEval/0")?.tests).toContain("check(inc);");
    expect((await loadSuite("builtin")).format).toBe("task");
    const error = await loadSuite(path, { format: "task" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/he\.jsonl:1: /);
  });
});

test("OpenAI's Python HumanEval is named as Python, not graded as JavaScript", () => {
  const record = {
    task_id: "HumanEval/0",
    prompt:
      'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    """ doc """\n',
    canonical_solution: "    return False\n",
    test: "\n\nMETADATA = {}\n\n\ndef check(candidate):\n    assert candidate([1.0], 0.5) == False\n",
    entry_point: "has_close_elements",
  };
  const { errors, format } = parseTasksJsonl(JSON.stringify(record), { format: "auto" });
  expect(format).toBe("humaneval");
  expect(errors[0]?.message).toMatch(
    /^HumanEval record "HumanEval\/0" is Python \(def \.\.\.:\); codeact-env grades JavaScript/,
  );
});
