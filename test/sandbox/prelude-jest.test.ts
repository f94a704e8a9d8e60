/**
 * The prelude's Jest subset and assert module through the real sandbox, on both engines:
 * registration, run order, statuses, matchers, mocks, and the grading-mode hardening.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSandbox, ENGINE_NAMES, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import type { ExecResult, SandboxOptions } from "../../sandbox/types.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

async function runCell(options: SandboxOptions, code: string): Promise<ExecResult> {
  const sandbox = await createSandbox(options);
  try {
    return await sandbox.run(code);
  } finally {
    await sandbox.dispose();
  }
}

const ORDER = `
const log = [];
beforeAll(() => log.push("beforeAll"));
afterAll(() => console.log(log.join(",")));
beforeEach(() => log.push("be"));
afterEach(() => log.push("ae"));
describe("outer", () => {
  beforeEach(() => log.push("inner-be"));
  test("one", () => log.push("t1"));
  xit("x-marked tests run", async () => { await new Promise((r) => setTimeout(r, 10)); log.push("t2"); });
  test.skip("skipped", () => log.push("never"));
  test.todo("later");
  describe("nested", () => {
    it.each([[1, 1, 2], [2, 3, 5]])("adds %i + %i", (a, b, sum) => expect(a + b).toBe(sum));
    test.each\`
      a    | b    | expected
      \${1} | \${1} | \${2}
    \`("template $a + $b", ({ a, b, expected }) => expect(a + b).toBe(expected));
  });
  test("fails", () => expect({ a: 1 }).toEqual({ a: 2 }));
});
xdescribe("x-marked describe runs", () => test("inside", () => {}));
describe.skip("skipped describe", () => test("not run", () => {}));
`;

const MATCHERS = `
test("matchers", async () => {
  expect(1 + 1).toBe(2);
  expect({ a: [1, { b: 2 }], u: undefined }).toEqual({ a: [1, { b: 2 }] });
  expect({ a: 1 }).not.toStrictEqual({ a: 1, u: undefined });
  expect(0.1 + 0.2).toBeCloseTo(0.3);
  expect(() => { throw new TypeError("bad input"); }).toThrow();
  expect(() => { throw new TypeError("bad input"); }).toThrow("bad");
  expect(() => { throw new TypeError("bad input"); }).toThrow(/input$/);
  expect(() => { throw new TypeError("bad input"); }).toThrow(TypeError);
  expect(() => { throw new TypeError("bad input"); }).toThrowError(new Error("bad input"));
  expect(() => {}).not.toThrow();
  expect([1, 2, 3]).toContain(2);
  expect("hello").toContain("ell");
  expect([{ a: 1 }]).toContainEqual({ a: 1 });
  expect([1, 2]).toHaveLength(2);
  expect("abc").toMatch(/b/);
  expect({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 2 } });
  expect({ a: { b: [0, 7] } }).toHaveProperty("a.b[1]", 7);
  expect(1).toBeTruthy(); expect(0).toBeFalsy(); expect(null).toBeNull();
  expect(undefined).toBeUndefined(); expect(1).toBeDefined(); expect(NaN).toBeNaN();
  expect(2).toBeGreaterThan(1); expect(2).toBeGreaterThanOrEqual(2);
  expect(1).toBeLessThan(2); expect(1).toBeLessThanOrEqual(1);
  expect(new Map()).toBeInstanceOf(Map);
  expect({ id: 5, name: "x", tags: ["a", "b"] }).toEqual({
    id: expect.any(Number), name: expect.anything(), tags: expect.arrayContaining(["b"]),
  });
  expect({ a: 1, b: 2 }).toEqual(expect.objectContaining({ a: 1 }));
  expect("hello world").toEqual(expect.stringContaining("lo w"));
  expect("hello world").toEqual(expect.stringMatching(/^hello/));
  expect(new Set([1, 2])).toEqual(new Set([2, 1]));
  await expect(Promise.resolve(3)).resolves.toBe(3);
  await expect(Promise.reject(new Error("no"))).rejects.toThrow("no");
  const fn = jest.fn((x) => x * 2);
  fn(2); fn(3);
  expect(fn).toHaveBeenCalled();
  expect(fn).toHaveBeenCalledTimes(2);
  expect(fn).toHaveBeenCalledWith(2);
  expect(fn).toHaveBeenLastCalledWith(3);
  expect(jest.fn().mockReturnValue(7)()).toBe(7);
  const obj = { m: () => "real" };
  const spy = jest.spyOn(obj, "m").mockImplementation(() => "fake");
  expect(obj.m()).toBe("fake");
  spy.mockRestore();
  expect(obj.m()).toBe("real");
  expect.extend({ toBeEven: (n) => ({ pass: n % 2 === 0, message: () => n + " is odd" }) });
  expect(4).toBeEven();
});
test("assertion counts", () => { expect.assertions(2); expect(1).toBe(1); });
test("only fails", () => expect([1, 2]).toEqual([1, 3]));
`;

const ASSERTS = `
const assert = require("assert");
const strict = require("node:assert/strict");
assert(true); assert.ok(1);
assert.equal(1, "1"); assert.notEqual(1, 2);
assert.strictEqual(NaN, NaN); assert.notStrictEqual(1, "1");
assert.deepEqual({ a: 1 }, { a: "1" }); assert.notDeepEqual({ a: 1 }, { a: 2 });
assert.deepStrictEqual(new Map([[1, { x: [1] }]]), new Map([[1, { x: [1] }]]));
assert.notDeepStrictEqual({ a: 1 }, { a: "1" });
assert.throws(() => { throw new RangeError("out"); }, RangeError);
assert.throws(() => { throw new RangeError("out"); }, /out/);
assert.throws(() => { throw new RangeError("out"); }, { name: "RangeError", message: "out" });
assert.throws(() => { throw new RangeError("out"); }, (e) => e instanceof RangeError);
assert.doesNotThrow(() => 1);
await assert.rejects(Promise.reject(new Error("x")), /x/);
assert.match("abc", /b/);
strict.equal(1, 1);
let caught;
try { assert.strictEqual(1, 2); } catch (e) { caught = e; }
let caughtFail;
try { assert.fail("boom"); } catch (e) { caughtFail = e; }
[caught.name, caught.code, caught.actual, caught.expected, caught.operator, caught.message.split("\\n")[0], caughtFail.message,
 typeof strict.deepEqual === "function" && strict.equal === strict.strictEqual]
`;

describe.each(ENGINE_NAMES)("prelude test harness on %s", (engine) => {
  afterEach(() => {
    expect(liveSandboxCount()).toBe(0);
  });

  it("runs tests in Jest order with x-marked tests included and .skip skipped", async () => {
    const r = await runCell({ engine }, ORDER);
    const cases = r.tests?.cases.map((c) => `${c.status} ${c.name}`);
    expect(cases).toEqual([
      "passed outer > one",
      "passed outer > x-marked tests run",
      "skipped outer > skipped",
      "skipped outer > later",
      "passed outer > nested > adds 1 + 1",
      "passed outer > nested > adds 2 + 3",
      "passed outer > nested > template 1 + 1",
      "failed outer > fails",
      "passed x-marked describe runs > inside",
      "skipped skipped describe > not run",
    ]);
    expect(r.tests).toMatchObject({ passed: 6, failed: 1, skipped: 3, total: 10 });
    expect(r.tests?.cases[7]?.message).toContain("Expected: { a: 2 }");
    expect(r.stdout).toBe(
      "beforeAll,be,inner-be,t1,ae,be,inner-be,t2,ae,be,inner-be,ae,be,inner-be,ae,be,inner-be,ae,be,inner-be,ae,be,ae\n",
    );
  });

  it("supports the matchers, mocks and expect helpers the public suites use", async () => {
    const r = await runCell({ engine }, MATCHERS);
    const byName = Object.fromEntries((r.tests?.cases ?? []).map((c) => [c.name, c]));
    expect(byName.matchers?.message).toBeUndefined();
    expect(byName.matchers?.status).toBe("passed");
    expect(byName["assertion counts"]?.status).toBe("failed");
    expect(byName["assertion counts"]?.message).toContain("expect.assertions(2)");
    expect(byName["only fails"]?.message).toBe(
      "expect(received).toEqual(expected)\n\nExpected: [ 1, 3 ]\nReceived: [ 1, 2 ]",
    );
  });

  it("runs only .only tests outside grading, and every test while grading", async () => {
    const code = `test("a", () => {}); test.only("b", () => {}); test("c", () => {});`;
    const normal = await runCell({ engine }, code);
    expect(normal.tests?.cases.map((c) => c.status)).toEqual(["skipped", "passed", "skipped"]);
    const grading = await runCell({ engine, grading: true }, code);
    expect(grading.tests?.cases.map((c) => c.status)).toEqual(["passed", "passed", "passed"]);
  });

  it("implements Node's assert module", async () => {
    const r = await runCell({ engine }, ASSERTS);
    expect(r.error).toBeUndefined();
    expect(r.value).toBe(
      "[\n  'AssertionError',\n  'ERR_ASSERTION',\n  1,\n  2,\n  'strictEqual',\n  'Expected values to be strictly equal:',\n  'boom',\n  true\n]",
    );
  });

  it("locks the harness globals in grading mode and leaves them writable otherwise", async () => {
    const probe = `["expect", "test", "describe", "assert", "require", "xit"].map((k) => {
      const d = Object.getOwnPropertyDescriptor(globalThis, k); return d.writable + "/" + d.configurable; }).join(",")`;
    const graded = await runCell({ engine, grading: true }, probe);
    expect(graded.value).toBe("'false/false,false/false,false/false,false/false,false/false,false/false'");
    const free = await runCell({ engine }, probe);
    expect(free.value).toBe("'true/true,true/true,true/true,true/true,true/true,true/true'");
    const override = await runCell(
      { engine, grading: true },
      `expect.extend({ toBe: () => ({ pass: true }) })`,
    );
    expect(override.error?.message).toContain("cannot override the built-in matcher");
  });

  it("fails a test whose promise can never settle and goes on with the next", async () => {
    const r = await runCell(
      { engine },
      `test("hangs", () => new Promise(() => {})); test("after", () => expect(1).toBe(1));`,
    );
    expect(r.tests?.cases.map((c) => c.status)).toEqual(["failed", "passed"]);
    expect(r.tests?.cases[0]?.message).toContain("never settled");
  });
});
