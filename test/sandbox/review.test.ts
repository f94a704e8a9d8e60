/**
 * The outside review's findings at the sandbox level, on both engines (the timer storm and the
 * crash attribution are in crash.test.ts, the hack families in hack-corpus.test.ts):
 * - an observation is bounded whatever the cell throws or returns;
 * - memory kept across cells ends in "memory", not infra;
 * - MultiPL-E-style tests (`function test() { ... } test();`) grade from a task file;
 * - assert.deepEqual matches Map keys the way Node does;
 * - an error is written to stderr too (issue 15: with only stdout/stderr/exit_code an agent saw
 *   nothing of it).
 */
import { afterAll, describe, expect, it } from "vitest";
import { OBSERVATION_OVERHEAD_BYTES } from "../../sandbox/cell/bounds.ts";
import {
  createSandbox,
  DEFAULT_LIMITS,
  ENGINE_NAMES,
  gradeProgram,
  liveSandboxCount,
  shutdownEngines,
} from "../../sandbox/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const MULTIPLE_TESTS = `const assert = require('node:assert');

function test() {
  let candidate = sumList;
  assert.deepEqual(candidate([1, 2, 3]), 6);
  assert.deepEqual(candidate([]), 0);
}

test();`;

describe.each(ENGINE_NAMES)("review findings on %s", (engine) => {
  it("an observation stays within the output limit plus a fixed overhead, whatever the cell throws or returns", async () => {
    await using sb = await createSandbox({ engine });
    const limit = DEFAULT_LIMITS.outputLimitBytes + OBSERVATION_OVERHEAD_BYTES;
    const cells = [
      `throw new Error("m".repeat(8 << 20));`,
      `const e = new Error("x"); e.stack = "s".repeat(8 << 20); throw e;`,
      `throw "v".repeat(8 << 20);`,
      `"r".repeat(8 << 20) + "!"`,
      `({ [("k".repeat(1 << 20))]: 1 })`,
      `for (let i = 0; i < 2000; i++) test("t".repeat(5000) + i, () => { throw new Error("f".repeat(50000)); });`,
      `console.log("o".repeat(4 << 20)); throw new Error("e".repeat(4 << 20));`,
    ];
    for (const code of cells) {
      const r = await sb.run(code);
      const size = Buffer.byteLength(JSON.stringify(r));
      expect(size, code.slice(0, 50)).toBeLessThanOrEqual(limit);
      expect(r.error?.kind, code.slice(0, 50)).not.toBe("infra");
    }
    const huge = await sb.run(`throw new Error("m".repeat(40 << 20));`);
    expect(huge.error?.kind).toBe("runtime");
    expect(huge.error?.message).toMatch(/…\[cut: \d+ more characters\]$/);
    // The sandbox still answers.
    expect((await sb.run("1 + 1")).value).toBe("2");
  }, 120_000);

  it("memory kept across cells ends in a memory error, never infra", async () => {
    await using sb = await createSandbox({ engine, limits: { memoryLimitBytes: 64 * 1024 * 1024 } });
    let last: Awaited<ReturnType<typeof sb.run>> | undefined;
    for (let i = 0; i < 25; i++) {
      last = await sb.run(
        `globalThis.keep ??= []; keep.push(("y".repeat(6 << 20) + ${i}).toUpperCase(), new Array(1 << 20).fill(${i} + 0.5)); keep.length`,
      );
      if (!last.ok) break;
    }
    expect(last?.error?.kind).toBe("memory");
    expect(last?.state_lost).toBe(true);
    expect((await sb.run("typeof keep")).value).toBe("'undefined'");
  }, 120_000);

  it("MultiPL-E-style tests that declare and call their own test() grade from a task file", async () => {
    const grade = (body: string) =>
      gradeProgram({
        program: `function sumList(xs) {\n${body}\n}`,
        tests: MULTIPLE_TESTS,
        language: "js",
        engine,
      });
    const right = await grade("return xs.reduce((a, b) => a + b, 0);");
    expect(right.reason).toBeUndefined();
    expect(right.passed).toBe(true);
    expect((await grade("return 6;")).passed).toBe(false);
  });

  it("an error reaches stderr as Node prints an uncaught one, after what the cell printed", async () => {
    await using sb = await createSandbox({ engine, limits: { timeoutMs: 300, cpuTimeMs: 300 } });
    const thrown = await sb.run('console.error("before");\nthrow new TypeError("boom");');
    expect(thrown.stderr).toMatch(/^before\nUncaught TypeError: boom\n {4}at .*cell-1\.js:2:\d+/);
    const syntax = await sb.run("const x = ;");
    expect(syntax.stderr).toMatch(/^Uncaught SyntaxError: .*\(1:\d+\)\n$/);
    const timeout = await sb.run("for (;;) {}");
    expect(timeout.stderr).toMatch(/^Uncaught TimeoutError: the cell exceeded/);
    expect((await sb.run("1")).stderr).toBe("");
  });

  it("assert.deepEqual and deepStrictEqual match Map keys by deep equality, as Node does", async () => {
    await using sb = await createSandbox({ engine });
    const r = await sb.run(`const assert = require("assert");
assert.deepEqual(new Map([[{ a: 1 }, 1], [[2], "x"]]), new Map([[[2], "x"], [{ a: 1 }, 1]]));
assert.deepStrictEqual(new Map([[{ a: 1 }, [1]]]), new Map([[{ a: 1 }, [1]]]));
assert.deepEqual(new Map([[1, "1"]]), new Map([[1, 1]]));
assert.throws(() => assert.deepStrictEqual(new Map([[{ a: 1 }, 1]]), new Map([[{ a: 2 }, 1]])));
assert.throws(() => assert.deepEqual(new Map([[{ a: 1 }, 1], [{ a: 1 }, 2]]), new Map([[{ a: 1 }, 1], [{ a: 2 }, 2]])));
"ok"`);
    expect(r.error).toBeUndefined();
    expect(r.value).toBe("'ok'");
  });
});
