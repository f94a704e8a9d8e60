/**
 * The sandbox conformance cases: every engine must pass all of them (conformance.test.ts runs
 * them once per engine, like Hono's router cases).
 */
import { expect } from "vitest";
import { createSandbox, type Sandbox, type SandboxOptions } from "../../sandbox/index.ts";
import { stackCases } from "./conformance-stacks.cases.ts";

export interface ConformanceCase {
  name: string;
  options?: SandboxOptions;
  run(sandbox: Sandbox): Promise<void>;
}

const MiB = 1024 * 1024;
const QUICK_LIMITS = { timeoutMs: 1500, cpuTimeMs: 1500 };

async function value(
  sandbox: Sandbox,
  code: string,
  language: "js" | "ts" = "js",
): Promise<string | undefined> {
  const r = await sandbox.run(code, { language });
  expect(r.error).toBeUndefined();
  expect(r.ok).toBe(true);
  expect(r.exit_code).toBe(0);
  return r.value;
}

export const replCases: ConformanceCase[] = [
  {
    name: "let/const/function/class persist across cells",
    async run(sb) {
      await value(
        sb,
        "let a = 1; const b = 2; function f() { return a + b; } class C { twice(x) { return 2 * x; } }",
      );
      expect(await value(sb, "new C().twice(f())")).toBe("6");
    },
  },
  {
    name: "a later cell may re-declare let/const and earlier functions see the new value",
    async run(sb) {
      await value(sb, "let a = 1; function get() { return a; }");
      await value(sb, "const a = 41;");
      expect(await value(sb, "get() + 1")).toBe("42");
    },
  },
  {
    name: "top-level await",
    async run(sb) {
      expect(await value(sb, "const v = await Promise.resolve(5); v * 2")).toBe("10");
      expect(await value(sb, "await new Promise((r) => setTimeout(() => r('later'), 10_000))")).toBe(
        "'later'",
      );
    },
  },
  {
    name: "last value printed Node-style; declarations print nothing",
    async run(sb) {
      expect(await value(sb, "({ a: 1, b: [1, 2], s: 'x' })")).toBe("{ a: 1, b: [ 1, 2 ], s: 'x' }");
      expect(await value(sb, "'hi'")).toBe("'hi'");
      expect(await value(sb, "const z = 3;")).toBeUndefined();
      expect(await value(sb, "new Map([[1, 'one']])")).toBe("Map(1) { 1 => 'one' }");
    },
  },
  {
    name: "destructuring declarations persist",
    async run(sb) {
      await value(sb, "const { p, q: [r, ...rest] } = { p: 1, q: [2, 3, 4] };");
      expect(await value(sb, "[p, r, rest]")).toBe("[ 1, 2, [ 3, 4 ] ]");
    },
  },
  {
    name: "console output is captured",
    async run(sb) {
      const r = await sb.run("console.log('a', 1, { k: true }); console.error('oops'); console.warn('w');");
      expect(r.stdout).toBe("a 1 { k: true }\n");
      expect(r.stderr).toBe("oops\nw\n");
      expect(r.value).toBeUndefined();
    },
  },
  {
    name: "TypeScript cells",
    async run(sb) {
      await value(sb, "interface P { x: number }\nconst pt: P = { x: 2 };\nenum E { A = 1, B }", "ts");
      expect(await value(sb, "const n: number = pt.x + E.B; n", "ts")).toBe("4");
    },
  },
  {
    name: "syntax errors carry the line/column of the agent's source",
    async run(sb) {
      const r = await sb.run("const ok = 1;\nconst bad = ;", { language: "ts" });
      expect(r).toMatchObject({ ok: false, exit_code: 1, error: { kind: "syntax", line: 2, column: 13 } });
      const ret = await sb.run("return 1");
      expect(ret.error?.kind).toBe("syntax");
      const imp = await sb.run("import fs from 'node:fs'");
      expect(imp.error).toMatchObject({ kind: "syntax" });
      expect(imp.error?.message).toMatch(/modules are not available/);
    },
  },
  {
    name: "runtime errors carry the line/column of the agent's TS source",
    async run(sb) {
      const r = await sb.run(
        "type T = { n: number };\nconst t: T = { n: 1 };\nfunction f(): never {\n  throw new TypeError('bad ' + t.n);\n}\nf();",
        {
          language: "ts",
        },
      );
      expect(r).toMatchObject({
        ok: false,
        exit_code: 1,
        error: { kind: "runtime", name: "TypeError", message: "bad 1", line: 4 },
      });
      expect(r.error?.stack).toContain("cell-");
      expect(r.error?.stack).not.toMatch(/prelude|node_modules|\/work\//);
    },
  },
  {
    name: "frames of functions from earlier cells map to their own cell",
    async run(sb) {
      await value(sb, "const x = 1;\nfunction thrower() {\n  throw new RangeError('deep');\n}");
      const r = await sb.run("\n\nthrower();");
      expect(r.error).toMatchObject({ kind: "runtime", name: "RangeError", line: 3 });
      expect(r.error?.stack).toMatch(/cell-1\.js:3:\d+/);
      // Engines point at different parts of the call (V8 its start, QuickJS its parenthesis).
      expect(r.error?.stack).toMatch(/cell-2\.js:3:\d+/);
    },
  },
  {
    name: "prelude: assert, expect and test registration",
    async run(sb) {
      const a = await sb.run("const assert = require('assert'); assert.strictEqual(1, 2);");
      expect(a.error).toMatchObject({ kind: "runtime", name: "AssertionError" });
      const t = await sb.run(
        "test('one', () => expect(1 + 1).toBe(2)); test('two', () => expect([1]).toEqual([2]));",
      );
      expect(t.tests).toMatchObject({ passed: 1, failed: 1, total: 2 });
    },
  },
];

export const toolCases: ConformanceCase[] = [
  {
    name: "tools: success",
    options: { tools: { add: (args) => (args as { a: number; b: number }).a + (args as { b: number }).b } },
    async run(sb) {
      expect(await value(sb, "await add({ a: 2, b: 3 })")).toBe("5");
    },
  },
  {
    name: "tools: a throwing tool gives an Error with a sanitized message",
    options: {
      tools: {
        fail: () => {
          throw new Error("cannot open /work/main/secret/config.json");
        },
      },
    },
    async run(sb) {
      const msg = await value(
        sb,
        "let m; try { await fail({}); } catch (e) { m = e instanceof Error && e.message; } m",
      );
      expect(msg).toMatch(/fail/);
      expect(msg).not.toContain("/work/main");
    },
  },
  {
    name: "tools: a result with an own __proto__ key pollutes nothing",
    options: { tools: { proto: () => JSON.parse('{"__proto__": {"polluted": "yes"}, "ok": 1}') } },
    async run(sb) {
      expect(
        await value(
          sb,
          "const r = await proto({}); [r.ok, ({}).polluted, Object.getPrototypeOf(r) === Object.prototype]",
        ),
      ).toBe("[ 1, undefined, true ]");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },
];

export const limitCases: ConformanceCase[] = [
  {
    name: "wall timeout, also after awaiting a tool; the session still works",
    options: { limits: QUICK_LIMITS, tools: { ping: () => "pong" } },
    async run(sb) {
      const r = await sb.run("await ping({}); while (true) {}");
      expect(r).toMatchObject({ ok: false, exit_code: 124, error: { kind: "timeout" } });
      expect((await sb.run("1 + 1")).ok).toBe(true);
    },
  },
  {
    name: "CPU time limit",
    options: { limits: { timeoutMs: 10_000, cpuTimeMs: 300 } },
    async run(sb) {
      const r = await sb.run("for (;;) {}");
      expect(r).toMatchObject({ ok: false, exit_code: 124, error: { kind: "timeout" } });
      expect(r.error?.message).toMatch(/CPU/);
    },
  },
  {
    name: "memory limit: state lost, the session still works",
    options: {
      limits: { ...QUICK_LIMITS, timeoutMs: 10_000, cpuTimeMs: 10_000, memoryLimitBytes: 32 * MiB },
    },
    async run(sb) {
      await value(sb, "let kept = 1;");
      const r = await sb.run("const hog = []; while (true) hog.push(new Array(100_000).fill({ x: 1 }));");
      expect(r).toMatchObject({ ok: false, exit_code: 137, state_lost: true, error: { kind: "memory" } });
      expect(await value(sb, "typeof kept")).toBe("'undefined'");
    },
  },
  {
    name: "output flood is cut with a marker",
    options: { limits: { ...QUICK_LIMITS, outputLimitBytes: 10_000 } },
    async run(sb) {
      const r = await sb.run("while (true) console.log('x'.repeat(100));");
      expect(r).toMatchObject({ ok: false, exit_code: 1, error: { kind: "output_limit" } });
      expect(r.stdout.length).toBeLessThan(12_000);
      expect(r.stdout).toMatch(/output truncated/);
    },
  },
  {
    name: "source size limit",
    options: { limits: { maxSourceBytes: 100 } },
    async run(sb) {
      const r = await sb.run(`const s = "${"x".repeat(200)}";`);
      expect(r).toMatchObject({ ok: false, exit_code: 1, error: { kind: "source_limit" } });
    },
  },
  {
    name: "stack depth",
    options: { limits: QUICK_LIMITS },
    async run(sb) {
      const r = await sb.run("function down(n) { return down(n + 1) + 1; }\ndown(0);");
      expect(r).toMatchObject({ ok: false, exit_code: 1, error: { kind: "stack_overflow" } });
      expect((await sb.run("1")).ok).toBe(true);
    },
  },
];

export const determinismCases: ConformanceCase[] = [
  {
    name: "same seed, same Math.random; virtual Date",
    options: { seed: 7 },
    async run(sb) {
      const other = await createSandbox({ engine: sb.engine, seed: 7 });
      const third = await createSandbox({ engine: sb.engine, seed: 8 });
      try {
        const code = "[Math.random(), Math.random(), Date.now()]";
        const a = await value(sb, code);
        expect(await value(other, code)).toBe(a);
        expect(await value(third, code)).not.toBe(a);
        expect(await value(sb, "new Date().getFullYear()")).toBe("2023");
      } finally {
        await other.dispose();
        await third.dispose();
      }
    },
  },
];

export const conformanceCases: ConformanceCase[] = [
  ...replCases,
  ...toolCases,
  ...limitCases,
  ...determinismCases,
  ...stackCases,
];
