/**
 * The public suites' reference solutions, graded through CodeActEnv on both engines, pass at the
 * rates ../shared/suites/README.md states. The suites are used by path, never copied.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type EngineName, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv, type CodeObservation } from "../../src/env/index.ts";
import { loadSuite, type Suite, type Task } from "../../tasks/index.ts";

const SUITES_DIR = resolve(import.meta.dirname, "../../../shared/suites");

/** README: which references fail upstream, and which need far more than a test run should take. */
const EXPECTED: Record<string, { failing: string[]; slow: string[] }> = {
  "humaneval-x-js": { failing: ["humaneval-x-js/112", "humaneval-x-js/155", "humaneval-x-js/162"], slow: [] },
  "exercism-javascript": { failing: [], slow: [] },
  "exercism-typescript": { failing: [], slow: ["exercism-typescript/palindrome-products"] },
  "mbxp-js": { failing: [], slow: [] },
};

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

/** One episode per task: reset onto it, step with prompt + reference, read the hidden tests. */
async function gradeThroughEnv(suite: Suite, task: Task, engine: EngineName): Promise<boolean> {
  await using env = new CodeActEnv({ engine, suite, limits: { timeoutMs: 20_000, cpuTimeMs: 20_000 } });
  await env.reset({ task_id: task.id });
  const result = await env.step({
    code: task.prompt + (task.canonical_solution ?? ""),
    language: task.language,
  });
  const tests = (result.observation as CodeObservation).tests;
  return result.reward === 1 && tests !== undefined && tests.failed === 0 && tests.passed > 0;
}

async function failingTasks(suite: Suite, tasks: readonly Task[], engine: EngineName): Promise<string[]> {
  const failing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as Task;
      if (!(await gradeThroughEnv(suite, task, engine))) failing.push(task.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return failing.sort();
}

const available = existsSync(SUITES_DIR);

describe.skipIf(!available).each(["isolated-vm", "quickjs"] as const)("public suites on %s", (engine) => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: references pass at the README's rate`, { timeout: 600_000 }, async () => {
      const suite = await loadSuite(resolve(SUITES_DIR, `${name}.jsonl`));
      const withReference = suite.tasks.filter(
        (t) => typeof t.canonical_solution === "string" && !expected.slow.includes(t.id),
      );
      const failing = await failingTasks(suite, withReference, engine);
      expect(failing).toEqual(expected.failing);
    });
  }
});
