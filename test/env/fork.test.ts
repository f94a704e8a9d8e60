import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isCodeActError } from "../../errors/index.ts";
import { type JsonObject, Rubric } from "../../rewards/index.ts";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import {
  type CallToolObservation,
  CodeActEnv,
  type CodeObservation,
  defineTool,
} from "../../src/env/index.ts";
import { makeSuite, type Task } from "../../tasks/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

const addTask: Task = {
  id: "t/add",
  prompt: "Write add(a, b).",
  language: "js",
  tests: `test("adds", () => { expect(add(1, 2)).toBe(3); });\ntest("big", () => { expect(add(10, 20)).toBe(30); });`,
};
const suite = makeSuite("unit", [addTask]);

/** A rubric with per-episode state (how many steps it scored): the fork must carry it over. */
class CountingRubric extends Rubric {
  count = 0;
  forward(): number {
    this.count += 1;
    return this.count;
  }
  protected override ownState(): JsonObject {
    return { count: this.count };
  }
  protected override loadOwnState(state: JsonObject): void {
    this.count = Number(state.count);
  }
  protected override resetOwnState(): void {
    this.count = 0;
  }
}

function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([k]) => k !== "usage" && k !== "duration_ms");
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutTimings(v)]));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as Error,
  );
}

async function closeAll(envs: readonly CodeActEnv[]): Promise<void> {
  await Promise.all(envs.map((e) => e.close()));
}

/** A history touching every kind of state: globals, random, clock, timers, tools from cells and directly, a failed cell. */
async function playHistory(env: CodeActEnv): Promise<void> {
  await env.reset({ task_id: "t/add", seed: 7 });
  await env.step({ code: "let x = Math.floor(Math.random() * 1e6); const t0 = Date.now(); x" });
  await env.step({ code: "await new Promise((r) => setTimeout(r, 5000)); const waited = Date.now() - t0;" });
  await env.step({ code: "await write_file({ path: 'a.txt', content: String(x) }); x += 1;" });
  await env.step({
    type: "call_tool",
    tool_name: "write_file",
    arguments: { path: "b.txt", content: "direct" },
  });
  await env.step({ code: "x += 1; throw new Error('half done')" });
  await env.step({ code: "function add(a, b) { return a + b; }" });
}

const probe = {
  code: "({ x, waited, r: Math.random(), now: Date.now(), files: await list_files({}) })",
};

describe("fork", () => {
  it("children equal the parent (same next action, same observation) and diverge independently", async () => {
    await using parent = new CodeActEnv({ suite, rubric: () => new CountingRubric() });
    await playHistory(parent);
    const children = await parent.fork(3);
    try {
      expect(children).toHaveLength(3);
      const parentState = parent.state();
      for (const child of children) {
        const state = child.state();
        expect(state.step_count).toBe(parentState.step_count);
        expect(state.task_id).toBe("t/add");
        expect(state.forked_from).toBe(parentState.episode_id);
        expect(state.episode_id).not.toBe(parentState.episode_id);
      }
      const results = await Promise.all([parent, ...children].map((e) => e.step(probe)));
      const first = results[0];
      if (first === undefined) throw new Error("no result");
      const o = first.observation as CodeObservation;
      expect(o.error).toBeUndefined();
      expect(o.value).toContain("waited: 5000");
      expect(o.value).toContain("'b.txt'");
      expect(o.tests?.passed).toBe(2);
      expect(first.reward).toBe(7); // the rubric's 7th scored step: its state came along
      for (const r of results.slice(1)) {
        expect(withoutTimings(r)).toEqual(withoutTimings(first));
      }
      // Diverge: each child takes its own action; the parent is untouched.
      const diverged = await Promise.all(children.map((c, i) => c.step({ code: `x = ${i * 100}; x` })));
      expect(diverged.map((r) => (r.observation as CodeObservation).value)).toEqual(["0", "100", "200"]);
      const again = await Promise.all([parent, ...children].map((e) => e.step({ code: "x" })));
      const values = again.map((r) => (r.observation as CodeObservation).value);
      expect(new Set(values).size).toBe(4);
      expect(values.slice(1)).toEqual(["0", "100", "200"]);
    } finally {
      await closeAll(children);
    }
  });

  it("a child's tool writes are not seen by its siblings nor its parent; a child can fork again", async () => {
    await using parent = new CodeActEnv();
    await parent.reset();
    await parent.step({ code: "await write_file({ path: 'shared.txt', content: 'before' })" });
    const [a, b] = await parent.fork(2);
    if (a === undefined || b === undefined) throw new Error("fork returned too few");
    try {
      const wrote = await a.step({
        type: "call_tool",
        tool_name: "write_file",
        arguments: { path: "only-a.txt", content: "a" },
      });
      expect((wrote.observation as CallToolObservation).error).toBeNull();
      await a.step({ code: "await write_file({ path: 'shared.txt', content: 'changed by a' })" });
      const list = { type: "call_tool", tool_name: "list_files", arguments: {} };
      const seenByB = (await b.step(list)).observation as CallToolObservation;
      const seenByParent = (await parent.step(list)).observation as CallToolObservation;
      expect(JSON.stringify(seenByB.result)).not.toContain("only-a.txt");
      expect(JSON.stringify(seenByParent.result)).not.toContain("only-a.txt");
      const readB = await b.step({ code: "await read_file({ path: 'shared.txt' })" });
      expect((readB.observation as CodeObservation).value).toContain("before");
      const [grandchild] = await a.fork(1);
      if (grandchild === undefined) throw new Error("no grandchild");
      try {
        const readG = await grandchild.step({ code: "await read_file({ path: 'shared.txt' })" });
        expect((readG.observation as CodeObservation).value).toContain("changed by a");
      } finally {
        await grandchild.close();
      }
    } finally {
      await closeAll([a, b]);
    }
  });

  it("refuses, with a clear error, to fork an episode it cannot rebuild exactly", async () => {
    await using fresh = new CodeActEnv();
    const none = await rejection(fresh.fork(1));
    expect(isCodeActError(none, "NOT_RESET")).toBe(true);

    await using timedOut = new CodeActEnv();
    await timedOut.reset();
    await timedOut.step({ code: "while (true) {}", timeout_ms: 100 });
    const t = await rejection(timedOut.fork(2));
    expect(t.message).toMatch(/Cannot fork episode .*action 1 \(a cell\) timed out/);

    await using oom = new CodeActEnv({ limits: { memoryLimitBytes: 32 * 1024 * 1024 } });
    await oom.reset();
    await oom.step({ code: "const keep = []; while (true) keep.push(new Array(1e6).fill(1));" });
    const m = await rejection(oom.fork(1));
    expect(isCodeActError(m, "INVALID_ARGUMENT")).toBe(true);
    expect(m.message).toMatch(/memory limit/);

    for (const bad of [0, -1, 1.5, 10_000, "3"]) {
      const e = await rejection(oom.fork(bad as number));
      expect(e.message).toMatch(/fork count must be an integer from 1 to 256/);
    }
    expect(liveSandboxCount()).toBeLessThanOrEqual(3);
  });

  it("refuses after an infrastructure failure (the sandbox process was lost)", async () => {
    await using env = new CodeActEnv({ limits: { timeoutMs: 20_000, cpuTimeMs: 20_000 } });
    await env.reset();
    const pending = env.step({ code: "while (true) {}" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
    for (const line of out.split("\n").filter((l) => l.includes("isolated-vm"))) {
      process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
    }
    expect(((await pending).observation as CodeObservation).error?.kind).toBe("infra");
    const e = await rejection(env.fork(1));
    expect(e.message).toMatch(/infrastructure failure/);
  });

  it("a replay that comes out different (a tool reading outside state) is an error, and leaves nothing running", async () => {
    let calls = 0;
    const ticket = defineTool({
      name: "ticket",
      description: "A number that changes on every call (outside the episode's state).",
      input: z.object({}).strict(),
      handler: () => ++calls,
    });
    const before = liveSandboxCount();
    await using env = new CodeActEnv({ tools: [ticket] });
    await env.reset();
    await env.step({ code: "const n = await ticket({}); n" });
    const e = await rejection(env.fork(4));
    expect(isCodeActError(e, "ENGINE_FAILURE")).toBe(true);
    expect(e.message).toMatch(/Replay diverged at action 1 of 1/);
    expect(liveSandboxCount()).toBe(before + 1);
  });

  it("run_code cells (outside the step loop) are part of the history a fork replays", async () => {
    await using env = new CodeActEnv();
    await env.reset();
    const o = await env.runCode({ code: "let kept = 41; kept + 1" });
    expect(o.value).toBe("42");
    expect(env.state().step_count).toBe(0);
    const [child] = await env.fork(1);
    if (child === undefined) throw new Error("no child");
    try {
      expect((await child.runCode({ code: "kept" })).value).toBe("41");
    } finally {
      await child.close();
    }
    const bad = await rejection(env.runCode({ type: "list_tools" }));
    expect(isCodeActError(bad, "INVALID_ACTION")).toBe(true);
  });
});
