/**
 * Host-side cell pipeline (transpile -> rewrite -> source maps) checked by running the rewritten
 * scripts in Node's own `vm` module: the REPL semantics do not depend on an engine.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import { rewriteCell } from "../../sandbox/cell/rewrite.ts";
import { mapStack } from "../../sandbox/cell/sourcemap.ts";
import { transpile } from "../../sandbox/cell/transpile.ts";
import { DEFAULT_LIMITS, mergeLimits } from "../../sandbox/options.ts";
import type { ExecError, Language } from "../../sandbox/types.ts";

type CellOutcome =
  | { ok: true; value: { value: unknown } | undefined }
  | { ok: false; error: ExecError | { message: string; line?: number; column?: number; stack: string } };

function replSession() {
  const context = vm.createContext({});
  let n = 0;
  return async (source: string, language: Language = "js", strict = false): Promise<CellOutcome> => {
    const t = await transpile(source, language);
    if (!t.ok) return { ok: false, error: t.error };
    const r = rewriteCell(t, { strict });
    if (!r.ok) return { ok: false, error: r.error };
    const filename = `cell-${++n}.js`;
    try {
      const body = vm.runInContext(r.code, context, { filename }) as () => Promise<
        { value: unknown } | undefined
      >;
      return { ok: true, value: await body() };
    } catch (err) {
      const e = err as Error;
      const mapped = mapStack(e.stack ?? "", {
        filename,
        displayName: `cell-${n}.${language}`,
        mapper: r.mapper,
      });
      return { ok: false, error: { message: e.message, ...mapped } };
    }
  };
}

describe("rewrite: REPL semantics", () => {
  it("keeps let/const/function/class across cells and allows re-declaration", async () => {
    const run = replSession();
    await run("let x = 1; const y = 2; function f() { return x + y; } class C { get v() { return 7; } }");
    expect(await run("f() + new C().v")).toEqual({ ok: true, value: { value: 10 } });
    await run("let x = 10; const y = 20;");
    expect(await run("f()")).toEqual({ ok: true, value: { value: 30 } });
    expect(await run("const f = () => 'again'; f()")).toEqual({ ok: true, value: { value: "again" } });
  });

  it("hoists function declarations to the start of the body", async () => {
    const run = replSession();
    expect(await run("const r = g(2); function g(n) { return n * 3; } r")).toEqual({
      ok: true,
      value: { value: 6 },
    });
  });

  it("handles destructuring patterns, defaults and rest", async () => {
    const run = replSession();
    await run("const { a, b: [c, ...rest], d = 4 } = { a: 1, b: [2, 3, 5] };");
    expect(await run("[a, c, rest, d]")).toEqual({ ok: true, value: { value: [1, 2, [3, 5], 4] } });
  });

  it("supports top-level await and returns the last expression wrapped", async () => {
    const run = replSession();
    expect(await run("const v = await Promise.resolve(21); v * 2")).toEqual({
      ok: true,
      value: { value: 42 },
    });
    expect(await run("[][0]")).toEqual({ ok: true, value: { value: undefined } });
    expect(await run("let z = 3;")).toEqual({ ok: true, value: undefined });
    expect(await run("1;;")).toEqual({ ok: true, value: { value: 1 } });
  });

  it("resets `let x;` to undefined but keeps `var x;`", async () => {
    const run = replSession();
    await run("let p = 1; var q = 2;");
    await run("let p; var q;");
    expect(await run("[p, q]")).toEqual({ ok: true, value: { value: [undefined, 2] } });
  });

  it("does not treat for-loop bindings as top-level declarations", async () => {
    const run = replSession();
    expect(await run("for (let i = 0; i < 3; i++) {} typeof i")).toEqual({
      ok: true,
      value: { value: "undefined" },
    });
  });

  it("runs TypeScript cells", async () => {
    const run = replSession();
    await run("interface P { x: number } const p: P = { x: 5 }; enum E { A = 1, B }", "ts");
    expect(await run("p.x + E.B", "ts")).toEqual({ ok: true, value: { value: 7 } });
  });

  it("a strict (sealed) cell keeps its declarations local, out of reach of pre-defined globals", async () => {
    const run = replSession();
    await run(
      "Object.defineProperty(globalThis, 'expected', { get() { return 1; }, set() {}, configurable: false })",
    );
    expect(await run("const expected = 2; function h() { return expected; } h()", "js", true)).toEqual({
      ok: true,
      value: { value: 2 },
    });
    // Its functions are also published, as hoisting would in one script; its other names are not.
    expect(await run("[expected, typeof h, h()]")).toEqual({
      ok: true,
      value: { value: [1, "function", 2] },
    });
    expect(await run("(function () { return this; })()", "js", true)).toEqual({
      ok: true,
      value: { value: undefined },
    });
  });

  it("keeps automatic semicolon insertion between declarations written without semicolons", async () => {
    const run = replSession();
    const cell =
      "const poly = (xs) => {\n  return xs.length\n}\n\n/* next */\nconst other = (xs) => {\n  return poly(xs) + 1\n}\nlet z\n[1].forEach(() => {});\n[1].length";
    expect(await run(cell)).toEqual({ ok: true, value: { value: 1 } });
    expect(await run("other([1, 2])")).toEqual({ ok: true, value: { value: 3 } });
  });

  it("an agent's own 'use strict' keeps REPL semantics", async () => {
    const run = replSession();
    await run("'use strict'; const kept = 3;");
    expect(await run("kept")).toEqual({ ok: true, value: { value: 3 } });
  });
});

describe("rewrite: errors", () => {
  it("reports esbuild syntax errors with the agent's line/column", async () => {
    const t = await transpile("const a: number = 1;\nlet b = ;", "ts");
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error).toMatchObject({ kind: "syntax", line: 2, column: 9 });
  });

  it("reports plain-JS syntax errors (parsed without esbuild) at the agent's line/column", async () => {
    const run = replSession();
    expect(await run("const a = 1;\nlet b = ;")).toMatchObject({
      ok: false,
      error: { kind: "syntax", line: 2, column: 9 },
    });
  });

  it("makes a top-level return a syntax error", async () => {
    const run = replSession();
    const r = await run("const a = 1;\nreturn a;");
    expect(r).toMatchObject({ ok: false, error: { kind: "syntax", line: 2, column: 1 } });
  });

  it("rejects import/export with a clear message", async () => {
    const run = replSession();
    const r = await run("import fs from 'node:fs';\nfs");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error.message).toMatch(/modules are not available/);
    expect(await run("import type { X } from './x';\nconst k: X = 1 as X; k", "ts")).toEqual({
      ok: true,
      value: { value: 1 },
    });
  });

  it("maps runtime stack positions back to the agent's TypeScript source", async () => {
    const run = replSession();
    const src =
      "type N = number;\nconst k: N = 1;\nfunction boom(): never {\n  throw new Error('bad');\n}\nboom();";
    const r = await run(src, "ts");
    expect(r).toMatchObject({ ok: false, error: { line: 4, column: 9 } });
    if (!r.ok) {
      const stack = (r.error as { stack: string }).stack;
      expect(stack).toContain("cell-1.ts:4:9");
      expect(stack).toContain("cell-1.ts:6:1");
    }
  });

  it("maps positions on the fast path (nothing rewritten)", async () => {
    const run = replSession();
    const r = await run("if (true) {\n  null.x;\n}");
    expect(r).toMatchObject({ ok: false, error: { line: 2, column: 8 } });
  });
});

describe("options", () => {
  it("merges defaults, session and run limits", () => {
    expect(mergeLimits()).toEqual(DEFAULT_LIMITS);
    expect(mergeLimits({ timeoutMs: 100 }, { cpuTimeMs: 50 })).toMatchObject({
      timeoutMs: 100,
      cpuTimeMs: 50,
    });
  });

  it("rejects bad values naming the field", () => {
    for (const bad of [
      { timeoutMs: -1 },
      { timeoutMs: Number.NaN },
      { memoryLimitBytes: 1e15 },
      { nope: 1 },
    ]) {
      try {
        mergeLimits(bad as never);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(CodeActError);
        expect((err as CodeActError).code).toBe("INVALID_ARGUMENT");
        expect((err as CodeActError).message).toContain(`limits.${Object.keys(bad)[0]}`);
      }
    }
  });
});

describe("rewrite: last value", () => {
  it("keeps the parentheses of an object literal statement", async () => {
    const run = replSession();
    expect(await run("({ a: 1 })")).toEqual({ ok: true, value: { value: { a: 1 } } });
    expect(await run("(1, 2)")).toEqual({ ok: true, value: { value: 2 } });
  });
});
