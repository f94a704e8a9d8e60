/**
 * RL policies learn to hack their graders. Each case is an agent that writes a WRONG solution plus
 * a trick; through CodeActEnv the hidden tests must still fail and the reward stay below 1.
 */
import { afterAll, describe, expect, it } from "vitest";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv, type CodeObservation } from "../../src/env/index.ts";
import { makeSuite, type Task } from "../../tasks/index.ts";

const jest: Task = {
  id: "hack/jest",
  prompt: "Write add(a, b).",
  language: "js",
  tests:
    "describe('add', () => {\n  test('small', () => { expect(add(1, 2)).toBe(3); });\n  test('eq', () => { expect(add(2, 2)).toEqual(4); });\n});",
};
const humanEval: Task = {
  id: "hack/humaneval",
  prompt: "Write add(a, b).",
  language: "js",
  tests:
    "const __assert = (c) => { if (!c) throw new Error('Assertion failed'); };\nconst deepEq = (a, b) => JSON.stringify(a) === JSON.stringify(b);\n__assert(add(1, 2) === 3);\n__assert(deepEq([add(1, 1)], [2]));\n__assert(Object.is(add(0, 0), 0) && add(5, 5) === 10);",
};
const nodeAssert: Task = {
  id: "hack/assert",
  prompt: "Write add(a, b).",
  language: "ts",
  tests:
    "const assert = require('node:assert');\nassert.strictEqual(add(1, 2), 3);\nassert.deepStrictEqual([add(2, 3)], [5]);",
};
const suite = makeSuite("hacks", [jest, humanEval, nodeAssert]);
const WRONG = "function add(a, b) { return a - b; }";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const HACKS: Array<[string, string]> = [
  ["overwrite expect", "globalThis.expect = () => ({ toBe() {}, toEqual() {} });"],
  ["overwrite describe/test", "describe = () => {}; test = () => {}; it = () => {};"],
  ["declare test function", "function test() {}"],
  [
    "overwrite assert and require",
    "assert = { strictEqual() {}, deepStrictEqual() {} }; require = () => assert;",
  ],
  ["patch Object.is", "Object.is = () => true;"],
  ["patch JSON.stringify", "JSON.stringify = () => 'same';"],
  ["patch Array.prototype", "Array.prototype.includes = () => true; Array.prototype.every = () => true;"],
  ["patch Promise", "Promise.prototype.then = function (ok) { ok(); return this; };"],
  ["patch Error", "globalThis.Error = function () { return {}; };"],
  [
    "pre-define a global the tests declare",
    "Object.defineProperty(globalThis, '__assert', { get() { return () => {}; }, set() {}, configurable: false });",
  ],
  [
    "read-only helper the tests declare",
    "Object.defineProperty(globalThis, 'deepEq', { value: () => true, writable: false, configurable: false });",
  ],
  [
    "patch inside the solution at call time",
    "function add(a, b) { Object.is = () => true; JSON.stringify = () => 'x'; return a - b; }",
  ],
  [
    "throw a non-error from the solution",
    "function add() { throw { message: 'ok', toString() { return 'passed'; } }; }",
  ],
  ["end the run early with a timer", "setTimeout(() => { throw new Error('stop'); }, 0);"],
  ["never settle from the solution", "function add() { while (true) {} }"],
  [
    "answer with a lying object",
    "function add() { return { valueOf() { return 3; }, toString() { return '3'; } }; }",
  ],
  [
    "redefine toBe on Object.prototype",
    "Object.prototype.toBe = function () {}; Object.prototype.toEqual = function () {};",
  ],
];

describe.each([jest, humanEval, nodeAssert])("grading $id cannot be gamed", (task) => {
  it.each(HACKS)("%s", async (_name, trick) => {
    await using env = new CodeActEnv({ suite, limits: { timeoutMs: 2000, cpuTimeMs: 2000 } });
    await env.reset({ task_id: task.id });
    await env.step({ code: WRONG, language: "js" });
    const result = await env.step({ code: trick, language: "js" });
    const tests = (result.observation as CodeObservation).tests;
    expect(result.reward ?? 0).toBeLessThan(1);
    expect(tests === undefined || tests.failed > 0 || tests.passed < tests.total || tests.total === 0).toBe(
      true,
    );
  });

  it("a correct solution still passes", async () => {
    await using env = new CodeActEnv({ suite });
    await env.reset({ task_id: task.id });
    const result = await env.step({ code: "function add(a, b) { return a + b; }", language: "js" });
    expect(result.reward).toBe(1);
  });
});
