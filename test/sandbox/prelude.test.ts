/**
 * The in-sandbox prelude through the real sandbox, on both engines: console and inspect, virtual
 * timers and clock, seeded random, tools, removed globals, output limit, stuck cells.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSandbox, ENGINE_NAMES, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { getPrelude, PRELUDE_REPORT } from "../../sandbox/prelude-bundle.ts";
import type { Sandbox, SandboxOptions } from "../../sandbox/types.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

async function withSandbox<T>(options: SandboxOptions, fn: (s: Sandbox) => Promise<T>): Promise<T> {
  const sandbox = await createSandbox(options);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.dispose();
  }
}

/** The REPL value of each expression, as the prelude's inspect prints it (checked against Node's util.inspect). */
const INSPECT_CASES: Array<[string, string]> = [
  ["'a'", "'a'"],
  ['"it\'s"', `"it's"`],
  ["Math.round(-0.4)", "-0"],
  ["10n", "10n"],
  ["Symbol('s')", "Symbol(s)"],
  ["[1, 2, 3]", "[ 1, 2, 3 ]"],
  ["({ a: 1, b: 'x' })", "{ a: 1, b: 'x' }"],
  ["(function f() {})", "[Function: f]"],
  ["[() => {}]", "[ [Function (anonymous)] ]"],
  ["(class A {})", "[class A]"],
  ["({ a: { b: { c: { d: 1 } } } })", "{ a: { b: { c: [Object] } } }"],
  ["({ a: [[[[1]]]] })", "{ a: [ [ [Array] ] ] }"],
  ["new Map([['k', 1]])", "Map(1) { 'k' => 1 }"],
  ["new Set([1, 2])", "Set(2) { 1, 2 }"],
  ["new Date(0)", "1970-01-01T00:00:00.000Z"],
  ["/a+/gi", "/a+/gi"],
  ["(() => { class Foo { constructor() { this.x = 1; } } return new Foo(); })()", "Foo { x: 1 }"],
  ["Object.create(null)", "[Object: null prototype] {}"],
  ["(() => { const o = { n: 1 }; o.self = o; return o; })()", "<ref *1> { n: 1, self: [Circular *1] }"],
  ["Array.from({ length: 101 }, () => 0).length", "101"],
  ["({ get g() { return 1; } })", "{ g: [Getter] }"],
  ["[1, , 3]", "[ 1, <1 empty item>, 3 ]"],
  [
    "Array.from({ length: 26 }, (_, i) => i)",
    "[\n   0,  1,  2,  3,  4,  5,  6,  7,\n   8,  9, 10, 11, 12, 13, 14, 15,\n  16, 17, 18, 19, 20, 21, 22, 23,\n  24, 25\n]",
  ],
  [
    "({ alpha: 'a long string value', beta: 'another long string', gamma: [1, 2, 3], delta: true })",
    "{\n  alpha: 'a long string value',\n  beta: 'another long string',\n  gamma: [ 1, 2, 3 ],\n  delta: true\n}",
  ],
];

describe("getPrelude", () => {
  it("builds one cached script whose completion value is install", () => {
    const source = getPrelude();
    expect(getPrelude()).toBe(source);
    expect(source).toContain("const install = __codeactPrelude.install;");
    expect(source).toContain("install.harden = __codeactPrelude.harden;");
    expect(PRELUDE_REPORT.test).toBe("test");
  });
});

describe.each(ENGINE_NAMES)("prelude on %s", (engine) => {
  afterEach(() => {
    expect(liveSandboxCount()).toBe(0);
  });

  it("prints REPL values like Node's util.inspect", async () => {
    await withSandbox({ engine }, async (s) => {
      for (const [code, printed] of INSPECT_CASES) {
        const r = await s.run(code);
        expect(r.ok, code).toBe(true);
        expect(r.value, code).toBe(printed);
      }
    });
  });

  it("formats console output like Node and splits stdout/stderr", async () => {
    await withSandbox({ engine }, async (s) => {
      const r = await s.run(`
        console.log("%s is %d years, %i, %f, %j, 100%%", "Bob", 42, 3.9, "1.5", { a: 1 });
        console.log("plain", "str", { k: [1, 'x'] }, null, undefined, 5n);
        console.info("info"); console.debug("debug");
        console.warn("warn"); console.error(new Error("bad").message);
        console.group("G"); console.log("inner"); console.groupEnd(); console.log("outer");
        console.count(); console.count(); console.count("x");
        console.assert(1 === 2, "nope"); console.assert(true, "silent");
        console.table([{ a: 1 }]);
      `);
      expect(r.ok).toBe(true);
      const lines = r.stdout.split("\n");
      expect(lines.slice(0, 9)).toEqual([
        'Bob is 42 years, 3, 1.5, {"a":1}, 100%',
        "plain str { k: [ 1, 'x' ] } null undefined 5n",
        "info",
        "debug",
        "G",
        "  inner",
        "outer",
        "default: 1",
        "default: 2",
      ]);
      expect(lines[9]).toBe("x: 1");
      expect(r.stdout).toContain("│ (index) │ a │");
      expect(r.stderr).toBe("warn\nbad\nAssertion failed: nope\n");
    });
  });

  it("fires virtual timers in time order and moves the virtual clock with them", async () => {
    await withSandbox({ engine, startTimeMs: 1_000_000 }, async (s) => {
      const r = await s.run(`
        const order = [];
        const t0 = Date.now();
        setTimeout(() => order.push("b200"), 200);
        setTimeout(() => order.push("a100"), 100);
        const cancelled = setTimeout(() => order.push("never"), 50);
        clearTimeout(cancelled);
        queueMicrotask(() => order.push("micro"));
        await new Promise((resolve) => setTimeout(resolve, 1000));
        [order.join(","), Date.now() - t0 >= 1000 && Date.now() - t0 < 1001, t0 >= 1_000_000 && t0 < 1_000_001,
         new Date() instanceof Date, new Date(5).getTime(), typeof Date.UTC(2020, 0), typeof setInterval]
      `);
      expect(r.error).toBeUndefined();
      expect(r.value).toBe("[ 'micro,a100,b200', true, true, true, 5, 'number', 'undefined' ]");
    });
  });

  it("seeds Math.random: the same seed gives the same numbers, another seed different ones", async () => {
    const draw = (seed: number) =>
      withSandbox(
        { engine, seed },
        async (s) => (await s.run("[Math.random(), Math.random()].join(',')")).value,
      );
    const a = await draw(7);
    expect(await draw(7)).toBe(a);
    expect(await draw(8)).not.toBe(a);
    // The sequence is the same in both engines (sfc32 in plain JS).
    const other = await withSandbox(
      { engine: engine === "quickjs" ? "isolated-vm" : "quickjs", seed: 7 },
      async (s) => (await s.run("[Math.random(), Math.random()].join(',')")).value,
    );
    expect(other).toBe(a);
  });

  it("exposes host tools as async functions and refuses non-JSON arguments", async () => {
    const tools = {
      echo: (args: unknown) => ({ got: args }),
      boom: () => {
        throw new Error("tool exploded");
      },
    };
    await withSandbox({ engine, tools }, async (s) => {
      const ok = await s.run("await echo({ n: 1, list: ['a'] })");
      expect(ok.value).toBe("{ got: { n: 1, list: [ 'a' ] } }");
      const failed = await s.run("await boom({}).catch((e) => [e instanceof Error, e.message])");
      expect(failed.value).toMatch(/^\[ true, '.*tool exploded'/);
      const bad = await s.run("await echo({ f() {} }).catch((e) => e.message)");
      expect(bad.value).toBe("'Tool arguments must be JSON: args.f is a function'");
    });
  });

  it("removes host escape hatches and every trace of the bridge", async () => {
    await withSandbox({ engine }, async (s) => {
      const r = await s.run(`[typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, typeof process,
        typeof fetch, typeof std, typeof os, Object.getOwnPropertyNames(globalThis).filter((k) => /bridge|install/i.test(k)).length]`);
      expect(r.value).toBe(
        "[\n  'undefined', 'undefined',\n  'undefined', 'undefined',\n  'undefined', 'undefined',\n  'undefined', 0\n]",
      );
      const req = await s.run("require('fs')");
      expect(req.error?.message).toBe("Cannot find module 'fs' (only 'assert' is available in the sandbox)");
    });
  });

  it("stops a flood of output at the limit", async () => {
    await withSandbox({ engine, limits: { outputLimitBytes: 1000 } }, async (s) => {
      const r = await s.run("for (let i = 0; ; i++) console.log('line ' + i);");
      expect(r.ok).toBe(false);
      expect(r.error?.kind).toBe("output_limit");
      expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1100);
      const next = await s.run("console.log('fresh'); 1");
      expect(next.stdout).toBe("fresh\n");
    });
  });

  it("reports a cell that can never settle, then runs the next cell normally", async () => {
    await withSandbox({ engine }, async (s) => {
      const r = await s.run("console.log('waiting'); await new Promise(() => {});");
      expect(r.ok).toBe(false);
      expect(r.error?.kind).toBe("runtime");
      expect(r.stdout).toBe("waiting\n");
      const next = await s.run("1 + 1");
      expect(next.value).toBe("2");
    });
  });

  it("keeps the output of a cell that timed out", async () => {
    await withSandbox({ engine, limits: { timeoutMs: 500, cpuTimeMs: 500 } }, async (s) => {
      const r = await s.run("console.log('before'); while (true) {}");
      expect(r.error?.kind).toBe("timeout");
      expect(r.stdout).toBe("before\n");
    });
  });
});
