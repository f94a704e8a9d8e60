/** QuickJS-specific behaviour (stack overflow, microtask floods, out-of-memory, workers); the contract every engine shares is in engine.cases.ts. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import type {
  Engine,
  EngineSession,
  EngineSessionConfig,
  ToolCallback,
} from "../../sandbox/engines/contract.ts";
import { createQuickJsEngine } from "../../sandbox/engines/quickjs/index.ts";
import { getPrelude } from "../../sandbox/prelude-bundle.ts";
import { cell, echoTools, type PendingTool } from "./engine-quickjs.fixtures.ts";

const MiB = 1024 * 1024;
/** A string value as the prelude prints it (util.inspect style). */
const quoted = (text: string) => `'${text}'`;

function config(overrides: Partial<EngineSessionConfig> = {}): EngineSessionConfig {
  return {
    prelude: getPrelude(),
    preludeConfig: {
      seed: 0,
      realTime: false,
      startTimeMs: 1_700_000_000_000,
      toolNames: ["echo", "fail", "later"],
      grading: false,
    },
    memoryLimitBytes: 32 * MiB,
    maxStackBytes: 1 * MiB,
    ...overrides,
  };
}

let engine: Engine;
const sessions: EngineSession[] = [];
const pendingTools: PendingTool[] = [];
const tools: ToolCallback = echoTools(pendingTools);

async function open(overrides: Partial<EngineSessionConfig> = {}, onTool = tools) {
  const session = await engine.createSession(config(overrides), onTool);
  sessions.push(session);
  return session;
}

beforeAll(() => {
  engine = createQuickJsEngine({ workers: 2 });
});

afterEach(async () => {
  for (const tool of pendingTools.splice(0)) tool.release();
  for (const session of sessions.splice(0)) await session.dispose();
  expect(engine.stats().sessions).toBe(0);
});

afterAll(async () => {
  await engine.dispose();
  expect(engine.stats()).toMatchObject({ sessions: 0, workers: 0 });
});

describe("QuickJS engine: cells", () => {
  it("turns deep recursion and deep JSON into QuickJS stack overflow errors", async () => {
    const session = await open({ maxStackBytes: 4 * MiB });
    const recursion = await session.run(cell("function f(n) { return f(n + 1) + 1; } return f(0);"));
    expect(recursion.status).toBe("completed");
    expect(recursion.runnerResult?.error?.message).toMatch(/stack overflow/);
    const json = await session.run(cell("return JSON.parse('['.repeat(1e6)).length;"));
    expect(json.runnerResult?.error?.message).toMatch(/stack overflow/);
    const after = await session.run(cell("return 6 * 7;"));
    expect(after.runnerResult?.value).toBe("42");
  });

  it("validates the session config", async () => {
    await expect(open({ memoryLimitBytes: -1 })).rejects.toBeInstanceOf(CodeActError);
  });
});

describe("QuickJS engine: limits", () => {
  it("stops a cell awaiting a tool that does not settle in time", async () => {
    const session = await open();
    const result = await session.run(cell("await later(1); return 'late';", 200));
    expect(result.status).toBe("timeout");
    expect((await session.run(cell("return 'next';"))).runnerResult?.value).toBe(quoted("next"));
  });

  it("stops a microtask flood, and the session keeps working", async () => {
    const session = await open();
    // f returns nothing, so no promise chain grows: a pure flood that only the deadline can stop
    // (returning the promise made each job's promise wait on the next, and on a fast machine the
    // chain reached the 32 MiB limit first: "memory", also a right answer, but not this test's).
    const flood = "const f = () => { Promise.resolve().then(f); }; f(); await new Promise(() => {});";
    const result = await session.run(cell(flood, 200));
    expect(result.status).toBe("timeout");
    const after = await session.run(cell("return 'alive';"));
    expect(after.runnerResult?.value).toBe(quoted("alive"));
  });

  it.each([
    ["a huge string", "return 'x'.repeat(2 ** 27).length;"],
    ["a huge typed array", "return new Uint8Array(200e6).length;"],
    ["array growth", "const a = []; while (true) a.push({ i: a.length }); return 1;"],
  ])("replaces the instance after an out-of-memory from %s", async (_, body) => {
    const session = await open();
    await session.run(cell("globalThis.before = 1;"));
    const result = await session.run(cell(body, 10_000));
    expect(result).toMatchObject({ status: "memory", stateLost: true });
    const after = await session.run(cell("return typeof before + ':' + (2 + 2);"));
    expect(after).toMatchObject({ status: "completed", stateLost: false });
    expect(after.runnerResult?.value).toBe(quoted("undefined:4"));
  });
});
