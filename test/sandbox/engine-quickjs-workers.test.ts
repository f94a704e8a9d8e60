import { describe, expect, it } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import type { EngineSessionConfig } from "../../sandbox/engines/contract.ts";
import { WorkerHost } from "../../sandbox/engines/quickjs/host.ts";
import { createQuickJsEngine } from "../../sandbox/engines/quickjs/index.ts";
import { getPrelude } from "../../sandbox/prelude-bundle.ts";
import { cell, echoTools, type PendingTool } from "./engine-quickjs.fixtures.ts";

const MiB = 1024 * 1024;

const config: EngineSessionConfig = {
  prelude: getPrelude(),
  preludeConfig: {
    seed: 0,
    realTime: false,
    startTimeMs: 1_700_000_000_000,
    toolNames: ["echo", "later"],
    grading: false,
  },
  memoryLimitBytes: 256 * MiB,
  maxStackBytes: 1 * MiB,
};

const isDisposed = (error: unknown) => isCodeActError(error, "DISPOSED");

describe("QuickJS engine: workers", () => {
  it("replaces a wedged worker: its cell gets a timeout, a bystander infra, state is lost, others go on", async () => {
    await using engine = createQuickJsEngine({ workers: 2, watchdogGraceMs: 300 });
    const pending: PendingTool[] = [];
    const tools = echoTools(pending);
    // Placement: the first two sessions get a worker each, the third joins the first.
    const wedged = await engine.createSession(config, tools);
    const elsewhere = await engine.createSession(config, tools);
    const neighbour = await engine.createSession(config, tools);
    expect(engine.stats()).toMatchObject({ sessions: 3, workers: 2, restarts: 0 });
    await neighbour.run(cell("globalThis.mine = 1;"));
    const setup = "globalThis.a = []; for (let i = 0; i < 2e6; i++) a.push((i * 7919) % 2e6);";
    expect((await wedged.run(cell(setup, 60_000))).status).toBe("completed");

    // The neighbour's cell is in flight (awaiting a tool) on the worker about to wedge.
    const bystander = neighbour.run(cell("await later(1); return 'never';"));
    // Sorting with the default comparison runs in C without ever reaching the interrupt handler
    // (measured: ~1 s per million numbers), so only the watchdog can stop it.
    const wedging = wedged.run(cell("a.sort(); return 'sorted';", 50));
    const other = await elsewhere.run(cell("return 'still here';"));
    expect(other.runnerResult?.value).toBe("'still here'");
    const result = await wedging;
    expect(result).toMatchObject({ status: "timeout", stateLost: true });
    expect(result.error?.message).toMatch(/stopped answering past the time limit and was replaced/);
    expect(await bystander).toMatchObject({ status: "infra", stateLost: true });
    for (const tool of pending) tool.release();
    expect(engine.stats().restarts).toBe(1);

    const recovered = await wedged.run(cell("return typeof a;"));
    expect(recovered).toMatchObject({ status: "completed", stateLost: false });
    expect(recovered.runnerResult?.value).toBe("'undefined'");
    // The neighbour's loss was reported with its bystander run; its state is gone all the same.
    const lost = await neighbour.run(cell("return typeof mine;"));
    expect(lost).toMatchObject({ status: "completed", stateLost: false });
    expect(lost.runnerResult?.value).toBe("'undefined'");
    const unaffected = await elsewhere.run(cell("return 'ok';"));
    expect(unaffected.stateLost).toBe(false);
  });

  it("a run past its deadline waits while the worker runs another cell still within its own", async () => {
    // The grace leaves room for a worker thread starved of CPU under a full parallel test run
    // (with 200 ms, `waiting`'s own begin was once caught still running past its deadline).
    await using engine = createQuickJsEngine({ workers: 1, watchdogGraceMs: 600 });
    const pending: PendingTool[] = [];
    const waiting = await engine.createSession(config, echoTools(pending));
    // A real clock: on the virtual one the spin below ends after 2M readings, which on a loaded
    // machine could come before `waiting`'s deadline, and the scenario would not happen.
    const realClock = { ...config, preludeConfig: { ...config.preludeConfig, realTime: true } };
    const busy = await engine.createSession(realClock, echoTools(pending));
    // `waiting` passes its deadline (100 + 600 ms) while `busy` holds the thread for 2 s, which
    // is within busy's own limit: nobody wedged anything, so the worker must not be replaced.
    const short = waiting.run(cell("await later(1); return 'late';", 100));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const spin = "const end = Date.now() + 2000; while (Date.now() < end) {} return 'spun';";
    const long = await busy.run(cell(spin, 5_000));
    expect(long.runnerResult?.value).toBe("'spun'");
    expect(await short).toMatchObject({ status: "timeout", stateLost: false });
    for (const tool of pending) tool.release();
    expect(engine.stats().restarts).toBe(0);
  });

  it("a worker lost while its runs are within their limits blames none of them", async () => {
    const events = { graceMs: 100, onToolCall: () => {}, onLost: () => {} };
    const host = new WorkerHost(events);
    try {
      await host.create(1, config);
      const running = host.run(1, 1, cell("await later(1); return 1;")).catch((error) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await host.terminate("worker crashed");
      expect(await running).toMatchObject({ name: "WorkerLost", started: true, blamed: false });
    } finally {
      await host.terminate();
    }
  });

  it("disposing a session stops its running cell at once", async () => {
    await using engine = createQuickJsEngine({ workers: 1 });
    const session = await engine.createSession(config, echoTools([]));
    const other = await engine.createSession(config, echoTools([]));
    const spinning = session.run(cell("for (;;) {}", 30_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const disposedAt = performance.now();
    await session.dispose();
    await expect(spinning).rejects.toSatisfy(isDisposed);
    // The worker is free again: a cell of another session on it runs well before the 30 s limit.
    expect((await other.run(cell("return 'free';"))).runnerResult?.value).toBe("'free'");
    expect(performance.now() - disposedAt).toBeLessThan(5_000);
    expect(engine.stats()).toMatchObject({ sessions: 1, restarts: 0 });
  });

  it("dispose stops every worker, fails runs in flight, and refuses further use", async () => {
    const engine = createQuickJsEngine({ workers: 2 });
    const pending: PendingTool[] = [];
    const first = await engine.createSession(config, echoTools(pending));
    await engine.createSession(config, echoTools(pending));
    expect(engine.stats()).toMatchObject({ sessions: 2, workers: 2 });
    const inFlight = first.run(cell("await later(1); return 1;"));
    await engine.dispose();
    await engine.dispose();
    for (const tool of pending) tool.release();
    await expect(inFlight).rejects.toSatisfy(isDisposed);
    expect(engine.stats()).toEqual({ sessions: 0, workers: 0, restarts: 0 });
    await expect(first.run(cell("return 1;"))).rejects.toSatisfy(isDisposed);
    await expect(engine.createSession(config, echoTools(pending))).rejects.toSatisfy(isDisposed);
  });

  it("a session disposed during a run fails that run with DISPOSED", async () => {
    await using engine = createQuickJsEngine({ workers: 1 });
    const pending: PendingTool[] = [];
    const session = await engine.createSession(config, echoTools(pending));
    const inFlight = session.run(cell("await later(1); return 1;"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await session.dispose();
    for (const tool of pending) tool.release();
    await expect(inFlight).rejects.toSatisfy(isDisposed);
    expect(engine.stats().sessions).toBe(0);
  });

  it("rejects bad engine options and a prelude that does not install", async () => {
    expect(() => createQuickJsEngine({ workers: 0 })).toThrow(/workers/);
    await using engine = createQuickJsEngine({ workers: 1 });
    const broken = { ...config, prelude: "42" };
    await expect(engine.createSession(broken, echoTools([]))).rejects.toSatisfy((e) =>
      isCodeActError(e, "ENGINE_FAILURE"),
    );
    expect(engine.stats().sessions).toBe(0);
  });
});
