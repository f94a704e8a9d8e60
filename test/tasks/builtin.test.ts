import { afterAll, describe, expect, test } from "vitest";
import { gradeProgram, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { createFileStoreTools } from "../../src/env/index.ts";
import { buildProgram, builtinTasks, type Task, taskSchema } from "../../tasks/index.ts";

/** A trivially wrong solution: an empty body for an open header, else an empty function. */
function stubFor(task: Task): string {
  return task.prompt.endsWith("{\n") ? "}\n" : `var ${task.entry_point} = function () {};\n`;
}

async function grade(task: Task, solution: string) {
  const tools = task.tools === undefined ? undefined : createFileStoreTools().tools;
  return gradeProgram({
    ...buildProgram(task, solution),
    engine: "isolated-vm",
    ...(tools ? { tools } : {}),
  });
}

afterAll(async () => {
  await shutdownEngines();
});

describe("built-in suite", () => {
  test("has at least 40 valid tasks, 15+ in TypeScript, unique ids, with tools and debugging tasks", () => {
    expect(builtinTasks.length).toBeGreaterThanOrEqual(40);
    expect(builtinTasks.filter((t) => t.language === "ts").length).toBeGreaterThanOrEqual(15);
    expect(new Set(builtinTasks.map((t) => t.id)).size).toBe(builtinTasks.length);
    for (const t of builtinTasks) {
      expect(taskSchema.parse(t)).toEqual(t);
      expect(t.id.startsWith("builtin/")).toBe(true);
      expect(["easy", "medium", "hard"]).toContain(t.metadata?.difficulty);
    }
    expect(builtinTasks.some((t) => t.tools?.includes("write_file"))).toBe(true);
    expect(builtinTasks.some((t) => t.id.startsWith("builtin/debug-"))).toBe(true);
  });

  describe.each(builtinTasks.map((t) => [t.id, t] as const))("%s", (_id, task) => {
    test("reference solution passes", async () => {
      const result = await grade(task, task.canonical_solution ?? "");
      expect(result.infra).toBe(false);
      expect({
        passed: result.passed,
        reason: result.reason,
        failed: result.tests.cases.filter((c) => c.status !== "passed"),
      }).toEqual({
        passed: true,
        reason: undefined,
        failed: [],
      });
      expect(result.tests.total).toBeGreaterThanOrEqual(3);
    });
    test("a stub solution fails", async () => {
      const result = await grade(task, stubFor(task));
      expect(result.infra).toBe(false);
      expect(result.passed).toBe(false);
    });
  });

  test.each(builtinTasks.filter((t) => t.id.startsWith("builtin/debug-")).map((t) => [t.id, t] as const))(
    "%s: the buggy code shown in the prompt fails",
    async (_id, task) => {
      const buggy = /\n((?:function|class) [\s\S]*)\*\/\n$/.exec(task.prompt)?.[1];
      expect(buggy).toBeDefined();
      const result = await grade({ ...task, prompt: "" }, buggy ?? "");
      expect(result.infra).toBe(false);
      expect(result.passed).toBe(false);
      expect(result.tests.failed).toBeGreaterThan(0);
    },
  );

  test("leaves no live sandbox", () => {
    expect(liveSandboxCount()).toBe(0);
  });
});
