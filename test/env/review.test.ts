/**
 * The outside review's findings, through the environment as a trainer uses it: a value that votes
 * on its own grade scored 1 on the built-in tasks that assert with toEqual, and grading forgot
 * direct tool calls (reward 0 for the rest of the episode after a call_tool write_file).
 */
import { afterAll, describe, expect, it } from "vitest";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv } from "../../src/env/index.ts";
import { loadSuite, makeSuite, type Task } from "../../tasks/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const filesTask: Task = {
  id: "review/read-config",
  prompt: "Write readConfig(): the JSON object in the file 'a.txt' (the file store).",
  language: "js",
  tests: `test("reads the file", async () => { expect(await readConfig()).toEqual({ x: 1 }); });`,
};
const SOLUTION = `async function readConfig() { return JSON.parse(await read_file({ path: "a.txt" })); }`;

describe("grading replays the episode's whole action log", () => {
  it("call_tool write_file, then a cell reading it, then the solution: reward 1", async () => {
    await using env = new CodeActEnv({ suite: makeSuite("review", [filesTask]) });
    await env.reset({ task_id: filesTask.id });
    const wrote = await env.step({
      type: "call_tool",
      tool_name: "write_file",
      arguments: { path: "a.txt", content: '{"x":1}' },
    });
    expect(wrote.observation).toMatchObject({ error: null });
    const read = await env.step({ code: `await read_file({ path: "a.txt" })`, language: "js" });
    expect(read.observation).toMatchObject({ exit_code: 0 });
    const solved = await env.step({ code: SOLUTION, language: "js" });
    expect(solved.reward).toBe(1);
    expect(solved.observation).toMatchObject({ tests: { passed: 1, failed: 0 } });
  });

  it("a cell whose tool call failed during the episode does not poison grading", async () => {
    await using env = new CodeActEnv({ suite: makeSuite("review", [filesTask]) });
    await env.reset({ task_id: filesTask.id });
    const failed = await env.step({ code: `await read_file({ path: "a.txt" })`, language: "js" });
    expect(failed.observation).toMatchObject({ error: { kind: "runtime" } });
    await env.step({
      type: "call_tool",
      tool_name: "write_file",
      arguments: { path: "a.txt", content: '{"x":1}' },
    });
    const solved = await env.step({ code: SOLUTION, language: "js" });
    expect(solved.reward).toBe(1);
  });
});

describe("a value that votes on its own grade scores nothing on the built-in suite", () => {
  it("an entry point returning a Proxy that answers asymmetricMatch never scores 1", async () => {
    const suite = await loadSuite("builtin");
    await using env = new CodeActEnv({ suite });
    const scored: string[] = [];
    for (const task of suite.tasks) {
      const names = task.entry_points ?? (task.entry_point === undefined ? [] : [task.entry_point]);
      if (names.length === 0) continue;
      await env.reset({ task_id: task.id });
      const proxy = `new Proxy(function () {}, { get: (_t, k) => (k === "asymmetricMatch" ? () => true : undefined), apply: () => proxy, construct: () => proxy })`;
      const code = names
        .map((n) => `var ${n} = (() => { const proxy = ${proxy}; return proxy; })();`)
        .join("\n");
      const r = await env.step({ code, language: "js" });
      if (r.reward === 1) scored.push(task.id);
    }
    expect(scored).toEqual([]);
  });
});
