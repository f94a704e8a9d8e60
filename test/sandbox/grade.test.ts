/**
 * gradeProgram: a correct solution passes, a wrong one fails, and no hacking attempt turns a
 * failing task into a pass.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ENGINE_NAMES, gradeProgram, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";

const PROMPT = "/** Returns the sum of a and b. */\nfunction add(a, b) {\n";
const CORRECT = `${PROMPT}  return a + b;\n}\n`;
const WRONG = `${PROMPT}  return a - b;\n}\n`;
const LIMITS = { timeoutMs: 2000, cpuTimeMs: 2000 };

const JEST_TESTS = `describe("add", () => {
  test("small", () => { expect(add(1, 2)).toBe(3); });
  test("negative", () => { expect(add(-1, -2)).toEqual(-3); });
  it("many", () => { for (const [a, b, s] of [[0, 0, 0], [2, 5, 7]]) expect(add(a, b)).toBe(s); });
});`;
const ASSERT_TESTS = `const assert = require("assert");\nassert.strictEqual(add(1, 2), 3);\nassert.deepStrictEqual([add(2, 2)], [4]);`;
const ASYNC_TESTS = `test("async", async () => { expect(await add(1, 2)).toBe(3); });`;
const DECLARING_TESTS = `const cases = [[1, 2, 3], [2, 2, 4]];\nfor (const [a, b, s] of cases) test("case " + a, () => expect(add(a, b)).toBe(s));`;

/**
 * Tampering with the realm (a value, a getter, an attribute, an added or deleted key, a prototype,
 * extensibility, a global binding, a hidden iterator prototype): refused before it happens, so
 * the probe after it (run in the same session) still sees the original built-in.
 */
const tamperings: Array<[code: string, probe: string]> = [
  ["Object.is = () => true;", "Object.is(1, 2) === false"],
  [
    'Object.defineProperty(Object, "is", { get() { return () => true; }, configurable: true });',
    "Object.is(1, 2) === false",
  ],
  [
    'Object.defineProperty(RegExp.prototype, "flags", { get() { return ""; }, configurable: true });',
    "/a/g.flags === 'g'",
  ],
  [
    'Object.defineProperty(Array.prototype, "push", { enumerable: true });',
    "!Object.prototype.propertyIsEnumerable.call(Array.prototype, 'push')",
  ],
  ["Array.prototype.sum = function () { return 0; };", "[].sum === undefined"],
  ["delete Array.prototype.includes;", "[1].includes(1)"],
  [
    "Object.setPrototypeOf(Map.prototype, null);",
    "Object.getPrototypeOf(Map.prototype) === Object.prototype",
  ],
  ["Object.preventExtensions(Set.prototype); Set.prototype.x = 1;", "new Set().x === undefined"],
  ["globalThis.JSON = { stringify: () => '' , parse: () => 0 };", "JSON.stringify([1]) === '[1]'"],
  ["JSON = { stringify: () => '' };", "JSON.stringify([1]) === '[1]'"],
  [
    "Object.defineProperty(Object.getPrototypeOf([][Symbol.iterator]()), 'next', { value: () => ({ done: true }) });",
    "[...[1, 2]].length === 2",
  ],
  [
    "Object.defineProperty(Object.prototype, Symbol.toStringTag, { get() { return 'X'; }, configurable: true });",
    "Object.prototype.toString.call([]) === '[object Array]'",
  ],
];

/** Wrong solutions that try to game the grader. None may pass. */
const hacks: Array<{ name: string; program: string; tests?: string }> = [
  { name: "overwrites expect", program: `${WRONG}expect = () => ({ toBe() {}, toEqual() {} });` },
  {
    name: "overwrites expect via globalThis",
    program: `${WRONG}globalThis.expect = () => ({ toBe() {}, toEqual() {} });`,
  },
  { name: "declares its own expect", program: `${WRONG}var expect = () => ({ toBe() {}, toEqual() {} });` },
  {
    name: "overwrites test/it (registers zero tests)",
    program: `${WRONG}test = () => {}; it = () => {}; globalThis.test = () => {};`,
  },
  { name: "overwrites describe", program: `${WRONG}describe = () => {}; globalThis.describe = () => {};` },
  {
    name: "overwrites assert",
    program: `${WRONG}assert = { strictEqual() {}, deepStrictEqual() {} };`,
    tests: ASSERT_TESTS.replace('const assert = require("assert");\n', ""),
  },
  {
    name: "overwrites require",
    program: `${WRONG}require = () => ({ strictEqual() {}, deepStrictEqual() {} });`,
    tests: ASSERT_TESTS,
  },
  { name: "patches Object.is", program: `${WRONG}Object.is = () => true;` },
  { name: "patches JSON.stringify", program: `${WRONG}JSON.stringify = () => "same";` },
  {
    name: "patches Array.prototype",
    program: `${WRONG}Array.prototype.every = () => true; Array.prototype.includes = () => true; Array.prototype.push = function () { return 0; };`,
  },
  {
    name: "patches Promise",
    program: `${WRONG}Promise.prototype.then = function (ok) { ok(); }; Promise.reject = Promise.resolve;`,
  },
  {
    name: "patches Error",
    program: `${WRONG}Error.prototype.toString = () => ""; globalThis.Error = function () {};`,
  },
  {
    name: "stops the run early (throws from a timer)",
    program: `${WRONG}setTimeout(() => { throw new Error("stop"); }, 0);`,
  },
  { name: "stops the run early (infinite loop)", program: `${WRONG}setTimeout(() => { for (;;) {} }, 0);` },
  { name: "never settles", program: `${WRONG}await new Promise(() => {});` },
  {
    name: "solution never settles inside a test",
    program: `${PROMPT}  return new Promise(() => {});\n}\n`,
    tests: ASYNC_TESTS,
  },
  {
    name: "pre-defines an accessor for a name the tests declare",
    program: `${WRONG}Object.defineProperty(globalThis, "cases", { get() { return []; }, set() {}, configurable: false });`,
    tests: DECLARING_TESTS,
  },
  { name: "reports fake passes through console", program: `${WRONG}console.log("✓ 3 passed, 0 failed");` },
];

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

describe.each(ENGINE_NAMES)("gradeProgram: %s", (engine) => {
  const grade = (program: string, tests = JEST_TESTS) =>
    gradeProgram({ program, tests, language: "js", engine, limits: LIMITS });

  it("a correct solution passes (jest-style and assert-style tests)", async () => {
    const r = await grade(CORRECT);
    expect(r.reason).toBeUndefined();
    expect(r).toMatchObject({ passed: true, infra: false, tests: { passed: 3, failed: 0, total: 3 } });
    expect((await grade(CORRECT, ASSERT_TESTS)).passed).toBe(true);
    expect((await grade(CORRECT, DECLARING_TESTS)).passed).toBe(true);
    // The tests' own declarations are local: a global accessor of the same name changes nothing.
    const trap = `${CORRECT}Object.defineProperty(globalThis, "cases", { get() { return []; }, set() {} });`;
    expect(await grade(trap, DECLARING_TESTS)).toMatchObject({ passed: true, tests: { passed: 2 } });
    expect(liveSandboxCount()).toBe(0);
  });

  it("a correct solution with a big result passes: comparing big values is linear, not quadratic", async () => {
    // 20,000 items made comparisons time out (a scan per key, nine throws per object read).
    const program = `function make(n) {
      return {
        list: Array.from({ length: n }, (_, i) => (i * 7919) % 20011),
        keyed: Object.fromEntries(Array.from({ length: n }, (_, i) => ["k" + i, i])),
        map: new Map(Array.from({ length: n }, (_, i) => [i, "v" + i])),
        set: new Set(Array.from({ length: n }, (_, i) => "s" + i)),
        rows: Array.from({ length: n / 4 }, (_, i) => ({ id: i, tags: ["a", i] })),
      };
    }`;
    const jest = `test("big", () => { for (const [k, v] of Object.entries(make(20000))) expect(make(20000)[k]).toEqual(v); });`;
    const node = `const assert = require("assert"); const a = make(20000), b = make(20000);
      for (const k of Object.keys(a)) assert.deepStrictEqual(a[k], b[k]);`;
    for (const tests of [jest, node]) {
      const r = await gradeProgram({ program, tests, language: "js", engine, limits: { timeoutMs: 20_000 } });
      expect(r.reason).toBeUndefined();
      expect(r.passed).toBe(true);
    }
  });

  it("a wrong solution fails with a reason", async () => {
    const r = await grade(WRONG);
    expect(r).toMatchObject({ passed: false, infra: false });
    expect(r.tests.failed).toBeGreaterThan(0);
    expect(r.reason).toMatch(/failed/);
    expect((await grade(WRONG, ASSERT_TESTS)).passed).toBe(false);
  });

  it("a program given as REPL cells may re-declare names across cells", async () => {
    const program = [
      { code: WRONG, language: "js" as const },
      { code: "const add = (a, b) => a + b;", language: "js" as const },
    ];
    const r = await gradeProgram({ program, tests: JEST_TESTS, language: "js", engine, limits: LIMITS });
    expect(r).toMatchObject({ passed: true, tests: { passed: 3 } });
  });

  it("a program that does not parse fails", async () => {
    const r = await grade(`${PROMPT}  return a +;\n}\n`);
    expect(r).toMatchObject({ passed: false, infra: false, error: { kind: "syntax" } });
  });

  it("refuses tampering with the realm: the built-ins are unchanged after every attempt", async () => {
    for (const [code, probe] of tamperings) {
      const program = [
        { code: `${WRONG}try { ${code} } catch {}`, language: "js" as const },
        { code: `if (!(${probe})) throw new Error("tampered");`, language: "js" as const },
      ];
      const r = await gradeProgram({ program, tests: JEST_TESTS, language: "js", engine, limits: LIMITS });
      expect(r.reason, code).toMatch(/tests failed/);
    }
  });

  for (const hack of hacks) {
    it(`hack: ${hack.name}`, async () => {
      const r = await grade(hack.program, hack.tests);
      expect(r.passed, r.reason).toBe(false);
      expect(r.infra).toBe(false);
      expect(liveSandboxCount()).toBe(0);
    });
  }
});
