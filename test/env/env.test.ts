import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isCodeActError } from "../../errors/index.ts";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import {
  type CallToolObservation,
  CodeActEnv,
  type CodeObservation,
  defineTool,
  type ListToolsObservation,
  type ResetObservation,
} from "../../src/env/index.ts";
import { makeSuite, type Task } from "../../tasks/index.ts";

const addTask: Task = {
  id: "t/add",
  prompt: "Write a function add(a, b) that returns the sum of two numbers.",
  language: "js",
  tests: `test("adds", () => { expect(add(1, 2)).toBe(3); });\ntest("negatives", () => { expect(add(-1, -2)).toBe(-3); });`,
  entry_point: "add",
  canonical_solution: "function add(a, b) { return a + b; }",
};
const autoDone: Task = { ...addTask, id: "t/auto", done_when_tests_pass: true };
const suite = makeSuite("unit", [addTask, autoDone]);

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

/** Observations minus their timings (usage, per-test durations), which differ run to run. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([k]) => k !== "usage" && k !== "duration_ms");
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutTimings(v)]));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("CodeActEnv", () => {
  it("resets onto a task: prompt, language, tools; state reflects it", async () => {
    await using env = new CodeActEnv({ suite });
    const first = await env.reset({ task_id: "t/add", episode_id: "ep-1", seed: 3 });
    const o = first.observation as ResetObservation;
    expect(o.prompt).toBe(addTask.prompt);
    expect(o.task_id).toBe("t/add");
    expect(o.language).toBe("js");
    expect(o.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["submit", "list_tools", "read_file", "write_file", "list_files"]),
    );
    expect(first.done).toBe(false);
    expect(env.state()).toEqual({
      episode_id: "ep-1",
      step_count: 0,
      task_id: "t/add",
      last_exit_code: 0,
      done: false,
    });
  });

  it("keeps REPL state across steps and scores a free-form episode on clean execution", async () => {
    await using env = new CodeActEnv();
    await env.reset();
    const a = await env.step({ code: "const x: number = 40;" });
    expect(a.reward).toBe(1);
    const b = await env.step({ code: "console.log(x + 2); x * 2" });
    const o = b.observation as CodeObservation;
    expect(o.stdout).toBe("42\n");
    expect(o.value).toBe("80");
    expect(o.exit_code).toBe(0);
    expect(o.usage?.wall_ms).toBeGreaterThanOrEqual(0);
    const c = await env.step({ code: "null.boom" });
    expect((c.observation as CodeObservation).error?.kind).toBe("runtime");
    expect(c.reward).toBe(0);
    expect(env.state()).toMatchObject({ step_count: 3, last_exit_code: 1 });
  });

  it("steps before any reset on a default episode, like OpenEnv's coding_env", async () => {
    await using env = new CodeActEnv();
    const r = await env.step({ code: "1 + 1" });
    expect((r.observation as CodeObservation).value).toBe("2");
    expect(env.state().step_count).toBe(1);
  });

  it("grades a task's hidden tests on the agent's cells: wrong then right", async () => {
    await using env = new CodeActEnv({ suite });
    await env.reset({ task_id: "t/add" });
    const wrong = await env.step({ code: "function add(a, b) { return a - b; }" });
    const w = wrong.observation as CodeObservation;
    expect(w.tests).toMatchObject({ passed: 0, failed: 2, total: 2 });
    expect(wrong.reward).toBe(0);
    const right = await env.step({ code: "function add(a, b) { return a + b; }" });
    const r = right.observation as CodeObservation;
    expect(r.tests).toMatchObject({ passed: 2, failed: 0, total: 2 });
    expect(right.reward).toBe(1);
    expect(Object.keys(r.rewards ?? {}).length).toBeGreaterThan(1);
    expect(right.done).toBe(false);
  });

  it("ends the episode when the tests pass if the task asks for it", async () => {
    await using env = new CodeActEnv({ suite });
    await env.reset({ task_id: "t/auto" });
    const r = await env.step({ code: autoDone.canonical_solution as string });
    expect(r.done).toBe(true);
    expect((r.observation as CodeObservation).done_reason).toBe("tests_passed");
    const error = await rejection(env.step({ code: "1" }));
    expect(isCodeActError(error, "EPISODE_DONE")).toBe(true);
  });

  it("runs direct tool calls and the same tools inside cells, with argument validation", async () => {
    await using env = new CodeActEnv();
    await env.reset();
    const write = await env.step({
      type: "call_tool",
      tool_name: "write_file",
      arguments: { path: "a.txt", content: "hi" },
    });
    expect((write.observation as CallToolObservation).error).toBeNull();
    const cell = await env.step({ code: "const t = await read_file({ path: 'a.txt' }); t + '!'" });
    expect((cell.observation as CodeObservation).value).toBe("'hi!'");
    const bad = await env.step({ type: "call_tool", tool_name: "write_file", arguments: { path: 3 } });
    expect((bad.observation as CallToolObservation).error?.error_type).toBe("invalid_args");
    const badInCell = await env.step({ code: "await write_file({ path: 'x' })" });
    expect((badInCell.observation as CodeObservation).error?.message).toMatch(
      /Invalid arguments for 'write_file'/,
    );
    const missing = await env.step({ type: "call_tool", tool_name: "nope", arguments: {} });
    expect((missing.observation as CallToolObservation).error).toEqual({
      error_type: "tool_not_found",
      message: "Unknown tool: 'nope'",
    });
    const listed = await env.step({ type: "list_tools" });
    expect((listed.observation as ListToolsObservation).tools.some((t) => t.name === "read_file")).toBe(true);
    expect(listed.reward).toBeNull();
    const inCell = await env.step({ code: "(await list_tools({})).map(t => t.name).includes('submit')" });
    expect((inCell.observation as CodeObservation).value).toBe("true");
  });

  it("registers a custom tool once and exposes it on both paths", async () => {
    const weather = defineTool({
      name: "weather",
      description: "Temperature of a city",
      input: z.object({ city: z.string() }).strict(),
      handler: ({ city }) => ({ city, celsius: city.length }),
    });
    await using env = new CodeActEnv({ tools: [weather], builtinTools: false });
    const reset = await env.reset();
    expect((reset.observation as ResetObservation).tools.map((t) => t.name)).toEqual([
      "submit",
      "list_tools",
      "weather",
    ]);
    const direct = await env.step({ type: "call_tool", tool_name: "weather", arguments: { city: "Oslo" } });
    expect((direct.observation as CallToolObservation).result).toEqual({ city: "Oslo", celsius: 4 });
    const cell = await env.step({ code: "(await weather({ city: 'Lima' })).celsius" });
    expect((cell.observation as CodeObservation).value).toBe("4");
  });

  it("submit ends the episode with the answer on the observation; later steps are refused", async () => {
    await using env = new CodeActEnv();
    await env.reset();
    const r = await env.step({ code: "await submit({ answer: { n: 42 } }); 'sent'" });
    expect(r.done).toBe(true);
    expect((r.observation as CodeObservation).submitted).toEqual({ answer: { n: 42 } });
    expect(env.state().done).toBe(true);
    expect(isCodeActError(await rejection(env.step({ code: "1" })), "EPISODE_DONE")).toBe(true);
    await env.reset();
    expect(env.state().done).toBe(false);
  });

  it("ends the episode when the step budget runs out", async () => {
    await using env = new CodeActEnv({ maxSteps: 2 });
    await env.reset();
    expect((await env.step({ code: "1" })).done).toBe(false);
    const last = await env.step({ code: "2" });
    expect(last.done).toBe(true);
    expect((last.observation as CodeObservation).done_reason).toBe("step_budget");
  });

  it("rejects invalid actions with pydantic-like issues, and unknown tasks clearly", async () => {
    await using env = new CodeActEnv({ suite });
    const cases: Array<[unknown, string]> = [
      [{ code: "1", extra: true }, "extra_forbidden"],
      [{ language: "ts" }, "missing"],
      [{ code: 5 }, "invalid_type"],
      [{ type: "dance" }, "invalid_value"],
      ["print(1)", "model_type"],
    ];
    for (const [action, type] of cases) {
      const error = await rejection(env.step(action));
      expect(isCodeActError(error, "INVALID_ACTION")).toBe(true);
      const issues = (error as { details: { errors: Array<{ type: string }> } }).details.errors;
      expect(issues.map((i) => i.type)).toContain(type);
    }
    expect(isCodeActError(await rejection(env.reset({ task_id: "nope" })), "NOT_FOUND")).toBe(true);
    expect((await env.step({ code: "'still fine'" })).observation).toMatchObject({ value: "'still fine'" });
  });

  it("is deterministic: same seed, task and actions give the same observations", async () => {
    const actions = [
      { code: "const r = [Math.random(), Math.random()]; r" },
      { code: "new Date().toISOString()" },
      { code: "function add(a, b) { return a + b + (Math.random() < 2 ? 0 : 1); }" },
    ];
    const play = async () => {
      await using env = new CodeActEnv({ suite });
      const out: unknown[] = [(await env.reset({ task_id: "t/add", seed: 7 })).observation];
      for (const action of actions) {
        const { observation, reward, done } = await env.step(action);
        out.push({ observation: withoutTimings(observation), reward, done });
      }
      return out;
    };
    expect(await play()).toEqual(await play());
  });

  it("close is harmless twice and use after close is a clear error", async () => {
    const env = new CodeActEnv();
    await env.reset();
    await env.close();
    await env.close();
    expect(isCodeActError(await rejection(env.step({ code: "1" })), "DISPOSED")).toBe(true);
  });
});
