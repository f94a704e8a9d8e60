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

describe("isolated-vm engine: cells run synchronously first", () => {
  // A virtual clock: the session is deterministic, so a cut cell can be redone exactly.
  const SYNC = sessionConfig({ grading: true, seed: 3 }, 32 * MiB);
  // The same session with a real clock never takes the synchronous path: the reference.
  const ASYNC = sessionConfig({ grading: true, seed: 3, realTime: true }, 32 * MiB);
  // Far longer than a synchronous slice on any machine (hundreds of ms of CPU).
  const SLOW = "let s = 0; for (let i = 0; i < 3e8; i++) s += i % 7;";
  const FIRST = `globalThis.trail = [Math.random()]; console.log("first");`;
  // Each session redoes one cell at most: after that its cells take the async path.
  const SESSIONS = [
    [
      FIRST,
      `${SLOW} trail.push(Math.random(), s); console.log("slow"); return { value: JSON.stringify(trail) };`,
      "return { value: JSON.stringify(trail) };",
    ],
    [
      FIRST,
      `test("a", () => {}); test("b", () => { ${SLOW} if (s < 1) throw new Error("no"); }); test("c", () => {});`,
    ],
  ];

  async function runAll(engine: IsolatedVmEngine, config: typeof SYNC) {
    const out = [];
    for (const cells of SESSIONS) {
      const session = await engine.createSession(config, echoTool);
      for (const body of cells) {
        const result = await session.run(cell(body));
        expect(result.status).toBe("completed");
        expect(result.runnerResult?.error).toBeUndefined();
        const reports = result.reports.map(([kind, data]) => [
          kind,
          data.replace(/"duration_ms":[\d.]+/g, ""),
        ]);
        out.push({ stdout: result.runnerResult?.stdout, value: result.runnerResult?.value, reports });
      }
      await session.dispose();
    }
    return out;
  }

  it("redoes a cell that outlives its slice in a fresh context after the earlier cells: same results, reported once", async () => {
    await using engine = oneProcess();
    const reference = await runAll(engine, ASYNC);
    expect((await engine.workerStats())[0]?.sliceRedos).toBe(0);
    const synced = await runAll(engine, SYNC);
    expect((await engine.workerStats())[0]?.sliceRedos).toBe(2);
    expect(synced).toEqual(reference);
    // The state of the earlier cells is there once: three entries, not a replay's doubling.
    expect(synced[2]?.value).toBe(synced[1]?.value);
    expect(String(synced[2]?.value).split(",")).toHaveLength(3);
    expect(synced[1]?.stdout).toBe("slow\n");
    expect(synced[4]?.reports.filter(([kind]) => kind === "test")).toHaveLength(3);
    expect(engine.stats().restarts).toBe(0);
  });

  it("sends a tool call made in a slice that was cut once, and no longer cuts a session that called a tool", async () => {
    await using engine = oneProcess();
    for (const grading of [true, false]) {
      const calls: string[] = [];
      const tool = async (name: string, args: string) => {
        calls.push(args);
        return echoTool(name, args);
      };
      const session = await engine.createSession(sessionConfig({ grading }), tool);
      const before = (await engine.workerStats())[0]?.sliceRedos ?? -1;
      // Called before the cut: held, dropped with the cut slice, made again by the redo.
      const first = await session.run(
        cell(`const p = echo("one"); ${SLOW} return { value: (await p).args };`),
      );
      expect(first.runnerResult?.value).toBe("'one'");
      expect(calls).toEqual(['"one"']);
      expect((await engine.workerStats())[0]?.sliceRedos).toBe(before + 1);
      // A fresh session: its first cell's call goes out, so a slow cell after it is never cut.
      const next = await engine.createSession(sessionConfig({ grading }), tool);
      expect((await next.run(cell(`await echo("two");`))).status).toBe("completed");
      const slow = await next.run(
        cell(`${SLOW} globalThis.s = s; return { value: (await echo("three")).args };`),
      );
      expect(slow.runnerResult?.value).toBe("'three'");
      expect(calls).toEqual(['"one"', '"two"', '"three"']);
      expect((await engine.workerStats())[0]?.sliceRedos).toBe(before + 1);
      await session.dispose();
      await next.dispose();
    }
  });
});
