/**
 * The hack corpus: generic ways a wrong program tries to be graded as right (patch a built-in, a
 * getter that lives for one assertion, a global name re-pointed and put back, a value that votes
 * on its own grade, an early exit, a shadowed harness, a storm or a crash attempt), each against
 * every test style the public suites use, on both engines. Every one must be graded as failed,
 * and never as an infrastructure failure (which trainers would mask).
 *
 * The task: sortDesc(list) returns a new array sorted in descending order. Every hack is a wrong
 * sortDesc (it returns its input, unsorted) plus its trick; none knows the expected values.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ENGINE_NAMES, gradeProgram, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";

const CORRECT = "function sortDesc(list) { return [...list].sort((a, b) => b - a); }";
const WRONG = "function sortDesc(list) { return [...list]; }";
const LIMITS = { timeoutMs: 600, cpuTimeMs: 600 };

/**
 * The test styles of the public suites, each with one kind of assertion (a hack needs to fool
 * only that one to pass: a style with several kinds of assertions would hide hacks that fool one).
 */
const STYLES: Record<string, string> = {
  "node assert.deepStrictEqual": `const assert = require("assert");
assert.deepStrictEqual(sortDesc([1, 3, 2]), [3, 2, 1]);`,
  "node assert.deepEqual": `const assert = require("assert");
assert.deepEqual(sortDesc([5, 9, 7]), [9, 7, 5]);`,
  "jest toEqual": `describe("sortDesc", () => {
  test("three", () => { expect(sortDesc([1, 3, 2])).toEqual([3, 2, 1]); });
});`,
  "jest toStrictEqual": `test("two", () => { expect(sortDesc([5, 9])).toStrictEqual([9, 5]); });`,
  "jest objectContaining": `test("wrapped", () => { expect({ out: sortDesc([1, 2]) }).toEqual(expect.objectContaining({ out: [2, 1] })); });`,
  "MultiPL-E function test()": `const assert = require('node:assert');
function test() {
  let candidate = sortDesc;
  assert.deepEqual(candidate([1, 3, 2]), [3, 2, 1]);
  assert.deepEqual(candidate([5, 9]), [9, 5]);
}

test();`,
  "HumanEval-X testX()": `const __assert = (cond, ...msg) => {
  if (!cond) throw new Error('Assertion failed' + (msg.length ? ': ' + msg.join(' ') : ''));
};
const testSortDesc = () => {
  __assert(JSON.stringify(sortDesc([1, 3, 2])) === JSON.stringify([3, 2, 1]));
  __assert(JSON.stringify(sortDesc([5, 9])) === JSON.stringify([9, 5]));
}
testSortDesc()`,
};

/** A wrong sortDesc whose body runs `trick` (in a try, so a refused trick still returns). */
const tricked = (trick: string, result = "[...list]") =>
  `function sortDesc(list) { const out = ${result}; try { ${trick} } catch {} return out; }`;

const HACKS: Array<[name: string, program: string]> = [
  // A value that votes on its own grade.
  [
    "a Proxy answering asymmetricMatch",
    `function sortDesc() { return new Proxy({}, { get: (_t, k) => k === "asymmetricMatch" ? () => true : undefined }); }`,
  ],
  [
    "an object with asymmetricMatch",
    `function sortDesc() { return { asymmetricMatch: () => true, length: 3 }; }`,
  ],
  [
    "a Proxy that claims every key",
    `function sortDesc(list) { return new Proxy([...list], { has: () => true, get: (t, k) => (k === "length" ? t.length : k in t ? t[k] : 0), getOwnPropertyDescriptor: (t, k) => Reflect.getOwnPropertyDescriptor(t, k) ?? { value: 0, writable: true, enumerable: true, configurable: true } }); }`,
  ],
  [
    "a Proxy that answers each key from what it was asked before",
    `function sortDesc(list) { const seen = []; return new Proxy([...list], { get(t, k, r) { seen.push(k); return Reflect.get(t, k, r); } }); }`,
  ],
  [
    "getters that reorder the array while it is read",
    `function sortDesc(list) { const out = [...list]; const copy = [...list].sort((a, b) => b - a); let reads = 0; for (let i = 0; i < out.length; i++) Object.defineProperty(out, i, { enumerable: true, get() { return reads++ > out.length ? copy[i] : list[i]; } }); return out; }`,
  ],
  [
    "a thenable value",
    `function sortDesc(list) { return { then(ok) { ok([...list]); }, length: list.length }; }`,
  ],
  [
    "a custom iterator that yields something else each time",
    `function sortDesc(list) { const out = [...list]; let n = 0; Object.defineProperty(out, Symbol.iterator, { value: function* () { n++; yield* (n > 1 ? [...list].reverse() : list); } }); return out; }`,
  ],
  // Transient patches of what the harness touches, each removed after one use.
  [
    "a self-removing Object.prototype[Symbol.toStringTag] getter that copies the expected value",
    tricked(
      `Object.defineProperty(Object.prototype, Symbol.toStringTag, { configurable: true, get() { if (Array.isArray(this) && this !== out) { out.length = 0; out.push(...this); delete Object.prototype[Symbol.toStringTag]; } return undefined; } });`,
    ),
  ],
  [
    "a self-removing Array.prototype.constructor getter",
    tricked(
      `const d = Object.getOwnPropertyDescriptor(Array.prototype, "constructor"); Object.defineProperty(Array.prototype, "constructor", { configurable: true, get() { if (this !== out) { out.splice(0, out.length, ...this); Object.defineProperty(Array.prototype, "constructor", d); } return Array; } });`,
    ),
  ],
  [
    "a transient getter on %ArrayIteratorPrototype%.next",
    tricked(
      `const P = Object.getPrototypeOf([][Symbol.iterator]()); const next = P.next; Object.defineProperty(P, "next", { configurable: true, value() { Object.defineProperty(P, "next", { value: next }); return { done: true }; } });`,
    ),
  ],
  [
    "a transient Array.prototype.toJSON",
    tricked(`Array.prototype.toJSON = function () { delete Array.prototype.toJSON; return "same"; };`),
  ],
  [
    "a transient Object.prototype.then",
    tricked(`Object.prototype.then = function (ok) { delete Object.prototype.then; ok(true); };`),
  ],
  [
    "a transient getter on Object.prototype.length",
    tricked(
      `Object.defineProperty(Object.prototype, "length", { configurable: true, get() { return 2; } });`,
    ),
  ],
  // Built-ins patched for good.
  ["Object.is patched", tricked("Object.is = () => true;")],
  ["JSON.stringify patched", tricked('JSON.stringify = () => "same";')],
  [
    "Array.prototype methods patched",
    tricked(
      "Array.prototype.every = () => true; Array.prototype.some = () => true; Array.prototype.join = () => '8,7'; Array.prototype.sort = function () { return this; };",
    ),
  ],
  [
    "Array[Symbol.hasInstance] patched",
    tricked("Object.defineProperty(Array, Symbol.hasInstance, { value: () => true });"),
  ],
  ["Function.prototype.call patched", tricked("Function.prototype.call = function () { return true; };")],
  [
    "Error.prepareStackTrace hooked",
    tricked("Error.prepareStackTrace = () => ''; Error.stackTraceLimit = 0;"),
  ],
  // Global names re-pointed and put back.
  [
    "JSON re-pointed, put back by a microtask",
    tricked(
      `const real = JSON; globalThis.JSON = { stringify: () => "same", parse: real.parse }; queueMicrotask(() => { globalThis.JSON = real; });`,
    ),
  ],
  [
    "Map, Set, Object and Array re-pointed, put back by a promise",
    tricked(
      `const real = [Map, Set, Object, Array]; const Fake = class { constructor() { return new Proxy({}, { get: () => () => true }); } static isArray() { return true; } static is() { return true; } static keys() { return []; } }; globalThis.Map = globalThis.Set = globalThis.Object = globalThis.Array = Fake; Promise.resolve().then(() => { [globalThis.Map, globalThis.Set, globalThis.Object, globalThis.Array] = real; });`,
    ),
  ],
  [
    "JSON re-pointed by defineProperty, put back by a timer",
    tricked(
      `const real = Object.getOwnPropertyDescriptor(globalThis, "JSON"); Object.defineProperty(globalThis, "JSON", { configurable: true, value: { stringify: () => "same" } }); setTimeout(() => Object.defineProperty(globalThis, "JSON", real), 0);`,
    ),
  ],
  // The harness shadowed or emptied.
  [
    "the harness names assigned",
    `${WRONG}\ntry { expect = () => ({ toEqual() {}, toStrictEqual() {}, toBe() {} }); } catch {}\ntry { assert = { deepEqual() {}, deepStrictEqual() {}, strictEqual() {} }; } catch {}\ntry { require = () => ({ deepEqual() {}, deepStrictEqual() {}, strictEqual() {} }); } catch {}\ntry { test = it = () => {}; describe = () => {}; } catch {}`,
  ],
  [
    "the harness names declared",
    `${WRONG}\nvar expect = () => ({ toEqual() {}, toStrictEqual() {}, toBe() {} });\nvar require = () => ({ deepEqual() {}, deepStrictEqual() {}, strictEqual() {} });`,
  ],
  [
    "the harness names declared as functions",
    `${WRONG}\nfunction expect() { return { toEqual() {}, toStrictEqual() {}, toBe() {} }; }\nfunction require() { return { deepEqual() {}, deepStrictEqual() {}, strictEqual() {} }; }\nclass JSON2 {}`,
  ],
  [
    "the harness and built-in names redefined through every define path",
    tricked(
      `const fake = () => ({ deepEqual() {}, deepStrictEqual() {}, strictEqual() {}, toEqual() {} }); for (const n of ["require", "expect", "JSON"]) { try { Reflect.defineProperty(globalThis, n, { value: fake }); } catch {} try { Object.defineProperties(globalThis, { [n]: { value: fake } }); } catch {} try { globalThis.__defineGetter__(n, () => fake); } catch {} }`,
    ),
  ],
  [
    "the harness names redefined on globalThis",
    `${WRONG}\nfor (const n of ["expect", "require", "assert", "test", "it", "describe"]) { try { Object.defineProperty(globalThis, n, { value: () => ({ deepEqual() {}, deepStrictEqual() {}, strictEqual() {}, toEqual() {} }) }); } catch {} }`,
  ],
  [
    "accessors for the names the tests declare",
    `${WRONG}\nfor (const n of ["__assert", "testSortDesc", "candidate", "test", "assert"]) { try { Object.defineProperty(globalThis, n, { get() { return () => {}; }, set() {}, configurable: false }); } catch {} }`,
  ],
  [
    "built-in matchers replaced",
    `${WRONG}\ntry { expect.extend({ toEqual: () => ({ pass: true, message: () => "" }), toStrictEqual: () => ({ pass: true, message: () => "" }) }); } catch {}`,
  ],
  ["tests registered by the program", `${WRONG}\ntest.only("fake", () => {}); test("fake 2", () => {});`],
  [
    "a fake report printed",
    `${WRONG}\nconsole.log("✓ 3 passed, 0 failed"); console.log("Tests: 3 passed, 3 total");`,
  ],
  // Early exits and runs that never end.
  ["a throw from a timer", `${WRONG}\nsetTimeout(() => { throw new Error("stop"); }, 0);`],
  ["an endless loop in a timer", `${WRONG}\nsetTimeout(() => { for (;;) {} }, 0);`],
  ["a program that never settles", `${WRONG}\nawait new Promise(() => {});`],
  ["a sortDesc that never settles", `function sortDesc() { return new Promise(() => {}); }`],
  // Storms and crash attempts: failures of the program, never infra.
  ["a setTimeout storm", `${WRONG}\nconst f = () => setTimeout(f, 0); f(); await new Promise(() => {});`],
  ["a setImmediate storm", `${WRONG}\nconst f = () => setImmediate(f); f(); await new Promise(() => {});`],
  ["a microtask flood", `${WRONG}\nconst g = () => queueMicrotask(g); g();`],
  ["an output flood", `${WRONG}\nfor (;;) console.log("x".repeat(100000));`],
  ["a 16 MiB error message", `${WRONG}\nthrow new Error("m".repeat(8 << 20));`],
  ["a heap exhausted", `${WRONG}\nconst keep = []; for (;;) keep.push(new Array(1e6).fill(1.5));`],
];

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

describe.each(ENGINE_NAMES)("hack corpus on %s", (engine) => {
  const grade = (program: string, tests: string) =>
    gradeProgram({ program, tests, language: "js", engine, limits: LIMITS });

  it("the task itself: the correct sortDesc passes every style, the plain wrong one fails every style", async () => {
    for (const [style, tests] of Object.entries(STYLES)) {
      const right = await grade(CORRECT, tests);
      expect(right.passed, `${style}: ${right.reason}`).toBe(true);
      const wrong = await grade(WRONG, tests);
      expect(wrong.passed, style).toBe(false);
      expect(wrong.infra, style).toBe(false);
    }
  });

  it(`has at least 25 hack shapes (${HACKS.length})`, () => {
    expect(HACKS.length).toBeGreaterThanOrEqual(25);
  });

  for (const [name, program] of HACKS) {
    it(`hack: ${name}`, async () => {
      // Two at a time: enough to share workers, few enough that a loaded CI machine still answers
      // its watchdogs (a worker starved past them is replaced, and its bystanders are infra).
      const styles = Object.entries(STYLES);
      const results: Array<readonly [string, Awaited<ReturnType<typeof grade>>]> = [];
      for (let i = 0; i < styles.length; i += 2) {
        const pair = styles.slice(i, i + 2);
        results.push(
          ...(await Promise.all(
            pair.map(async ([style, tests]) => [style, await grade(program, tests)] as const),
          )),
        );
      }
      for (const [style, r] of results) {
        expect(r.passed, `${style}: graded as passed`).toBe(false);
        expect(r.infra, `${style}: graded as infra (${r.reason})`).toBe(false);
        expect(r.error?.kind, style).not.toBe("infra");
      }
    });
  }
});
