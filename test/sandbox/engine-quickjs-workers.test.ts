import { describe, expect, it } from "vitest";
import type { EngineSessionConfig } from "../../sandbox/engine.ts";
import { createQuickJsEngine } from "../../sandbox/engines/quickjs/index.ts";
import { isCodeActError } from "../../sandbox/errors.ts";
import { getPrelude } from "../../sandbox/prelude/index.ts";
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
  it("replaces a wedged worker: its cell gets infra, its other sessions lose state, others go on", async () => {
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

    // Sorting with the default comparison runs in C without ever reaching the interrupt handler
    // (measured: ~1 s per million numbers), so only the watchdog can stop it.
    const wedging = wedged.run(cell("a.sort(); return 'sorted';", 50));
    const other = await elsewhere.run(cell("return 'still here';"));
    expect(other.runnerResult?.value).toBe("'still here'");
    const result = await wedging;
    expect(result).toMatchObject({ status: "infra", stateLost: true });
    expect(engine.stats().restarts).toBe(1);

    const recovered = await wedged.run(cell("return typeof a;"));
    expect(recovered).toMatchObject({ status: "completed", stateLost: false });
    expect(recovered.runnerResult?.value).toBe("'undefined'");
    const lost = await neighbour.run(cell("return typeof mine;"));
    expect(lost).toMatchObject({ status: "completed", stateLost: true });
    expect(lost.runnerResult?.value).toBe("'undefined'");
    const unaffected = await elsewhere.run(cell("return 'ok';"));
    expect(unaffected.stateLost).toBe(false);
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
