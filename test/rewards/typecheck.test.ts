import { describe, expect, it } from "vitest";
import { TypeChecks } from "../../rewards/index.ts";

describe("TypeChecks", () => {
  const rubric = new TypeChecks({ tools: ["search"] });

  it("1 for well-typed TS using the sandbox globals, tools and top-level await", async () => {
    const code = [
      "const hits: unknown = await search({ q: 'x' });",
      "const n: number = [1, 2, 3].at(-1) ?? 0;",
      "console.log(hits, n, Object.hasOwn({}, 'a'));",
      "describe('math', () => { test('adds', () => { expect(1 + 1).toBe(2); assert.strictEqual(n, 3); }); });",
      "test.skip('later');",
    ].join("\n");
    expect(await rubric.call({ code, language: "ts" }, {})).toBe(1);
    expect(rubric.lastErrors).toEqual([]);
  });

  it("0 for a type error, with the diagnostic at the cell's own line", async () => {
    const code = "const a = 1;\nconst s: string = a;";
    expect(await rubric.call({ code, language: "ts" }, {})).toBe(0);
    expect(rubric.lastErrors).toHaveLength(1);
    expect(rubric.lastErrors[0]).toMatch(/^2:7 TS2322 Type 'number' is not assignable to type 'string'/);
  });

  it("0 for a syntax error even in fraction mode", async () => {
    const fraction = new TypeChecks({ mode: "fraction" });
    expect(await fraction.call({ code: "let a: = 1", language: "ts" }, {})).toBe(0);
    expect(fraction.lastErrors[0]).toContain("TS1110");
  });

  it("fraction mode: 1 - lines with errors / non-blank lines", async () => {
    const fraction = new TypeChecks({ mode: "fraction" });
    const code = "const a: number = 1;\n\nconst b: string = 2;\nconst c = a + 1;\nconsole.log(a, b, c);";
    expect(await fraction.call({ code, language: "ts" }, {})).toBe(1 - 1 / 4);
  });

  it("does not hold names from earlier cells against the cell (REPL), unless asked", async () => {
    const code = "const total: number = previousCellValue + 1;";
    expect(await rubric.call({ code, language: "ts" }, {})).toBe(1);
    const strictNames = new TypeChecks({ ignoreCodes: [] });
    expect(await strictNames.call({ code, language: "ts" }, {})).toBe(0);
    expect(strictNames.lastErrors[0]).toContain("TS2304");
  });

  it("strict is on by default and can be turned off", async () => {
    const code = "function twice(x) { return x * 2 }";
    expect(await rubric.call({ code, language: "ts" }, {})).toBe(0);
    expect(await new TypeChecks({ strict: false }).call({ code, language: "ts" }, {})).toBe(1);
  });

  it("JS cells pass through; non-code actions score nonCodeScore", async () => {
    expect(await rubric.call({ code: "const s = 1; s.foo.bar()", language: "js" }, {})).toBe(1);
    expect(await rubric.call({ code: "1" }, {})).toBe(1);
    expect(await rubric.call({ type: "call_tool", tool_name: "search" }, {})).toBe(0);
  });

  it("extra declarations and option validation", async () => {
    const withDecl = new TypeChecks({ extraDeclarations: "declare const TASK: { n: number };" });
    expect(await withDecl.call({ code: "const n: number = TASK.n;", language: "ts" }, {})).toBe(1);
    expect(await withDecl.call({ code: "const n: string = TASK.n;", language: "ts" }, {})).toBe(0);
    expect(() => new TypeChecks({ tools: ["not a name"] })).toThrow("JS identifier");
    expect(() => new TypeChecks({ mode: "some" as "all" })).toThrow("invalid TypeChecks options");
  });
});
