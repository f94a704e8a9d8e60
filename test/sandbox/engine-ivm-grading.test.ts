/**
 * Grading sessions on isolated-vm borrow a pooled isolate (made from a snapshot of the prelude)
 * and get a fresh context: they may share an isolate one after another, never a realm. An isolate
 * goes back to the pool only after a session that ended cleanly.
 */
import { describe, expect, it } from "vitest";
import type { EngineSession } from "../../sandbox/engines/contract.ts";
import { createIsolatedVmEngine, type IsolatedVmEngine } from "../../sandbox/engines/isolated-vm/index.ts";
import { cell, echoTool, MiB, sessionConfig } from "./engine-helpers.ts";

const GRADING = sessionConfig({ grading: true, seed: 3 }, 32 * MiB);

/** Idle pooled isolates in the only process (spare blanks are off in these tests). */
async function pooled(engine: IsolatedVmEngine): Promise<number> {
  return (await engine.workerStats())[0]?.spares ?? -1;
}

async function value(session: EngineSession, body: string): Promise<string | undefined> {
  const result = await session.run(cell(body));
  expect(result.status).toBe("completed");
  expect(result.runnerResult?.error).toBeUndefined();
  return result.runnerResult?.value;
}

function oneProcess(): IsolatedVmEngine {
  return createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 0 });
}

describe("isolated-vm engine: grading sessions in pooled isolates", () => {
  it("gives each session a fresh realm, installed with its own config, in a reused isolate", async () => {
    await using engine = oneProcess();
    const first = await engine.createSession(GRADING, echoTool);
    const randoms = await value(first, "return { value: String(Math.random()) };");
    await value(
      first,
      `globalThis.leak = 1; Array.prototype.evil = 1; Object.prototype.polluted = 1;
       globalThis.helper = () => 42; Math.random = () => 0.5; JSON.stringify = () => "tampered";`,
    );
    await first.dispose();
    expect(await pooled(engine)).toBe(1);

    const calls: string[] = [];
    const second = await engine.createSession(GRADING, async (name, args) => {
      calls.push(args);
      return echoTool(name, args);
    });
    expect(await pooled(engine)).toBe(0);
    expect(await value(second, "return { value: String(Math.random()) };")).toBe(randoms);
    const leftovers = `return { value: JSON.stringify([typeof leak, [].evil, ({}).polluted, typeof helper]) };`;
    expect(await value(second, leftovers)).toBe(`'["undefined",null,null,"undefined"]'`);
    const removed = `return { value: [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics,
      typeof __codeactInstaller, typeof __codeactInstall].join() };`;
    expect(await value(second, removed)).toBe("'undefined,undefined,undefined,undefined,undefined'");
    expect(await value(second, "return { value: (await echo('mine')).args };")).toBe("'mine'");
    expect(calls).toEqual(['"mine"']);
    await second.dispose();
    expect(await pooled(engine)).toBe(1);
    expect(engine.stats().restarts).toBe(0);
  });

  it("locks down the built-ins V8 adds to each new context after deserializing", async () => {
    await using engine = oneProcess();
    for (let i = 0; i < 2; i++) {
      const session = await engine.createSession(GRADING, echoTool);
      const result = await session.run(
        cell("test('t', () => expect(new Set([1]).union(new Set([2])).size).toBe(2));"),
      );
      const frozen = await session.run(
        cell(
          "return { value: [Set.prototype, Set.prototype.union, Object, JSON, Iterator.prototype].every(Object.isFrozen) };",
        ),
      );
      expect(frozen.runnerResult?.value).toBe("true");
      expect(result.reports.find(([kind]) => kind === "test")?.[1]).toContain('"passed"');
      await session.dispose();
    }
    expect(engine.stats().restarts).toBe(0);
  });

  it("keeps a burst's isolates while grading goes on, and gives most back once it stopped", async () => {
    await using engine = oneProcess();
    const sessions = await Promise.all(
      Array.from({ length: 6 }, () => engine.createSession(GRADING, echoTool)),
    );
    await Promise.all(sessions.map((s) => value(s, "return { value: 1 };")));
    await Promise.all(sessions.map((s) => s.dispose()));
    expect(await pooled(engine)).toBe(6);
    const end = Date.now() + 10_000;
    while ((await pooled(engine)) > 2) {
      if (Date.now() > end) throw new Error("idle isolates were not trimmed");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await pooled(engine)).toBe(2);
    expect(engine.stats().restarts).toBe(0);
  });

  it("does not reuse an isolate after a timeout, an out-of-memory, or a dispose during a run", async () => {
    await using engine = oneProcess();
    const timedOut = await engine.createSession(GRADING, echoTool);
    expect((await timedOut.run(cell("for (;;) {}", { timeoutMs: 150 }))).status).toBe("timeout");
    await timedOut.dispose();
    expect(await pooled(engine)).toBe(0);

    const oom = await engine.createSession(GRADING, echoTool);
    const grow = "const a = []; for (;;) a.push(new Array(100000).fill(1));";
    const result = await oom.run(cell(grow, { timeoutMs: 10_000 }));
    expect(result.status).toBe("memory");
    expect(result.stateLost).toBe(true);
    // The session goes on in a replacement context, which is then as good as any.
    expect(await value(oom, "return { value: 6 * 7 };")).toBe("42");
    await oom.dispose();
    expect(await pooled(engine)).toBe(0);

    const busy = await engine.createSession(GRADING, echoTool);
    const running = busy.run(cell("for (;;) {}", { timeoutMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await busy.dispose();
    await running.catch(() => undefined);
    expect(await pooled(engine)).toBe(0);

    const fresh = await engine.createSession(GRADING, echoTool);
    expect(await value(fresh, "return { value: typeof globalThis.a };")).toBe("'undefined'");
    await fresh.dispose();
    expect(engine.stats().restarts).toBe(0);
  });
});
