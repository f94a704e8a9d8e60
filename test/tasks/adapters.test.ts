import { afterAll, describe, expect, test } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import { gradeProgram, shutdownEngines } from "../../sandbox/index.ts";
import {
  adaptRecord,
  buildProgram,
  detectFormat,
  stripExports,
  stripImports,
  type Task,
} from "../../tasks/index.ts";

const humanEval = {
  task_id: "Demo/0",
  prompt: "/* Sum of two numbers. */\nfunction addPair(a, b) {\n",
  canonical_solution: "  return a + b;\n}\n",
  test: "function check(candidate) {\n  assert.strictEqual(candidate(2, 3), 5);\n  assert.strictEqual(candidate(-1, 1), 0);\n}\n",
  entry_point: "addPair",
};

const multiplE = {
  name: "Demo_1_double_all",
  language: "js",
  prompt: "//Double every number.\nfunction double_all(xs){\n",
  tests:
    "const assert = require('node:assert');\n\n\nfunction test() {\n  let candidate = double_all;\n" +
    "  assert.deepEqual(candidate([1, 2]),[2, 4]);\n  assert.deepEqual(candidate([]),[]);\n}\n\ntest();",
  stop_tokens: ["\nfunction ", "\n/*", "\n//"],
};

const exercism = {
  slug: "counter",
  language: "javascript",
  instructions: "# Counter\n\nCount things, label them, say hi. A comment end */ must not break the prompt.",
  spec: [
    "import { describe, expect, test, xtest } from '@jest/globals';",
    "import {",
    "  Counter,",
    "  makeLabel as label,",
    "} from './counter';",
    "import defaultGreeting from './counter';",
    "",
    "describe('Counter', () => {",
    "  test('counts', () => {",
    "    const c = new Counter();",
    "    c.add();",
    "    c.add();",
    "    expect(c.value).toBe(2);",
    "  });",
    "  xtest('labels', () => {",
    "    expect(label(3)).toEqual('#3');",
    "  });",
    "  xtest('greets', () => expect(defaultGreeting()).toBe('hi'));",
    "});",
  ].join("\n"),
  example: [
    "export class Counter {",
    "  constructor() { this.value = 0; }",
    "  add() { this.value += 1; }",
    "}",
    "export const makeLabel = (n) => '#' + n;",
    "export default function greet() { return 'hi'; }",
  ].join("\n"),
  stub: "export class Counter {}\nexport const makeLabel = () => { throw new Error('todo'); };\nexport default function greet() {}\n",
};

afterAll(async () => {
  await shutdownEngines();
});

async function gradeTask(task: Task, solution: string) {
  return gradeProgram({ ...buildProgram(task, solution), engine: "isolated-vm" });
}

describe("detectFormat", () => {
  test("recognizes each format", () => {
    expect(detectFormat({ id: "a", prompt: "", tests: "x", language: "js" })).toBe("task");
    expect(detectFormat(humanEval)).toBe("humaneval");
    expect(detectFormat(multiplE)).toBe("multipl-e");
    expect(detectFormat(exercism)).toBe("exercism");
    expect(detectFormat({ foo: 1 })).toBeNull();
    expect(detectFormat("text")).toBeNull();
    expect(detectFormat([humanEval])).toBeNull();
  });
  test("adaptRecord rejects unknown and invalid records with INVALID_ARGUMENT", () => {
    expect(() => adaptRecord({ foo: 1 })).toThrow(/unrecognized record format/);
    const bad = (() => {
      try {
        adaptRecord({ ...humanEval, entry_point: "" });
      } catch (e) {
        return e;
      }
    })();
    expect(isCodeActError(bad, "INVALID_ARGUMENT")).toBe(true);
    expect(() => adaptRecord({ ...multiplE, language: "python" })).toThrow(/unsupported language/);
  });
});

describe("HumanEval", () => {
  const task = adaptRecord(humanEval, { suite: "demo" });
  test("converts fields and appends the check call", () => {
    expect(task).toMatchObject({
      id: "demo/Demo/0",
      suite: "demo",
      language: "js",
      entry_point: "addPair",
      canonical_solution: humanEval.canonical_solution,
    });
    expect(task.tests.trimEnd().endsWith("check(addPair);")).toBe(true);
    const already = adaptRecord({ ...humanEval, test: `${humanEval.test}\ncheck(addPair)\n` });
    expect(already.tests.match(/^check\(/gm)?.length).toBe(1);
  });
  test("the converted task grades: reference passes, wrong body fails", async () => {
    expect((await gradeTask(task, humanEval.canonical_solution)).passed).toBe(true);
    expect((await gradeTask(task, "  return a - b;\n}\n")).passed).toBe(false);
  });
});

describe("MultiPL-E", () => {
  const task = adaptRecord(multiplE);
  test("finds the entry point, renames test(), replaces require('node:assert'), keeps stop tokens", () => {
    expect(task.id).toBe("Demo_1_double_all");
    expect(task.entry_point).toBe("double_all");
    expect(task.tests).not.toContain("require(");
    expect(task.tests).toContain("function __runTests()");
    expect(task.tests.trimEnd().endsWith("__runTests();")).toBe(true);
    expect(task.metadata).toEqual({ stop_tokens: multiplE.stop_tokens });
    const aliased = adaptRecord({
      ...multiplE,
      tests: multiplE.tests.replace("const assert =", "const A ="),
    });
    expect(aliased.tests).toContain("const A = assert;");
  });
  test("the converted task grades", async () => {
    expect((await gradeTask(task, "  return xs.map((x) => x * 2);\n}\n")).passed).toBe(true);
    expect((await gradeTask(task, "  return xs;\n}\n")).passed).toBe(false);
  });
});

describe("Exercism", () => {
  const task = adaptRecord(exercism, { suite: "ex" });
  test("strips module syntax and aliases renamed imports", () => {
    expect(task.id).toBe("ex/counter");
    expect(task.entry_points).toEqual(["Counter", "makeLabel", "greet"]);
    expect(task.entry_point).toBe("Counter");
    expect(task.tests).not.toMatch(/\bimport\b/);
    expect(task.tests).toContain("const label = makeLabel;");
    expect(task.tests).toContain("const defaultGreeting = greet;");
    expect(task.tests).toContain("xtest('labels'");
    expect(task.canonical_solution).not.toMatch(/\bexport\b/);
    expect(task.starter_code).toContain("class Counter {}");
    expect(task.prompt.startsWith("/*\nExercism JavaScript exercise: counter")).toBe(true);
    expect(task.prompt).toContain("top-level names: Counter, makeLabel, greet");
    expect(task.prompt.indexOf("*/")).toBe(task.prompt.length - 3);
  });
  test("the converted task grades: example passes, starter code fails", async () => {
    expect((await gradeTask(task, task.canonical_solution ?? "")).passed).toBe(true);
    expect((await gradeTask(task, task.starter_code ?? "")).passed).toBe(false);
  });
});

describe("module syntax helpers", () => {
  test("stripExports: declarations, lists with aliases, default expressions", () => {
    const out = stripExports(
      "export function a() {}\nexport async function b() {}\nconst c = 1, d = 2;\nexport { c, d as e };\nexport default { a };\nexport type T = number;\n",
      "mod",
    );
    expect(out.named).toEqual(["a", "b", "c", "e"]);
    expect(out.defaultName).toBe("mod");
    expect(out.code).not.toMatch(/\bexport\b/);
    expect(out.code).toContain("var mod = { a };");
    expect(out.code).toContain("var e = d;");
    expect(stripExports("function f() {}\nexport default f;\n").defaultName).toBe("f");
  });
  test("stripImports: records only relative modules, removes package and side-effect imports", () => {
    const out = stripImports(
      "import * as ns from './lib';\nimport x, { y } from \"./z\";\nimport 'polyfill';\nimport fs from 'node:fs';\nconst { q } = require('./q');\nrest();\n",
    );
    expect(out.code.trim()).toBe("rest();");
    expect(out.local).toEqual([
      { named: [], namespace: "ns" },
      { named: [{ imported: "y", local: "y" }], defaultLocal: "x" },
      { named: [{ imported: "q", local: "q" }] },
    ]);
  });
});
