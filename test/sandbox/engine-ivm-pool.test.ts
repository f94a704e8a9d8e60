/**
 * The isolated-vm engine's process pool: killed and wedged processes are replaced; a run that
 * wedged its process past its own deadline is answered "timeout", other runs there "infra";
 * other processes are unaffected; dispose leaves no process behind.
 */
import { describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import type { ToolCallback } from "../../sandbox/engines/contract.ts";
import { createIsolatedVmEngine } from "../../sandbox/engines/isolated-vm/index.ts";
import { cell, echoTool, isAlive, sessionConfig, waitFor } from "./engine-helpers.ts";

const isDisposed = (e: unknown) => e instanceof CodeActError && e.code === "DISPOSED";

describe("isolated-vm engine: process pool", () => {
  it("answers runs of a process killed from outside with infra and recovers", async () => {
    await using engine = createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 1 });
    let toolCalled: () => void = () => {};
    const called = new Promise<void>((resolve) => {
      toolCalled = resolve;
    });
    let releaseTool: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      releaseTool = resolve;
    });
    // The tool answers only once the process is gone, so the run is in flight when it dies.
    const slowTool: ToolCallback = async (name, args) => {
      toolCalled();
      await released;
      return echoTool(name, args);
    };
    const busy = await engine.createSession(sessionConfig(), slowTool);
    const idle = await engine.createSession(sessionConfig(), echoTool);
    await idle.run(cell("globalThis.kept = 1;"));
    const [pid] = engine.workerPids();
    if (pid === undefined) throw new Error("no worker");

    const pending = busy.run(cell("await echo(1); return { value: 1 };"));
    await called;
    process.kill(pid, "SIGKILL");
    const result = await pending;
    releaseTool();
    expect(result.status).toBe("infra");
    expect(result.stateLost).toBe(true);
    expect(result.error?.message).toMatch(/exited/);
    await waitFor(() => !isAlive(pid));

    const again = await busy.run(cell("return { value: 2 };"));
    expect(again).toMatchObject({ status: "completed", stateLost: false });
    const idleAfter = await idle.run(cell("return { value: typeof kept };"));
    expect(idleAfter.stateLost).toBe(true);
    expect(idleAfter.runnerResult?.value).toBe("'undefined'");
    expect(engine.stats()).toMatchObject({ sessions: 2, workers: 1, restarts: 1 });
    expect(engine.workerPids()[0]).not.toBe(pid);
  });

  it("kills a wedged process at deadline + grace while other processes keep serving", async () => {
    await using engine = createIsolatedVmEngine({
      workers: 2,
      spareSessionsPerWorker: 0,
      watchdogGraceMs: 200,
    });
    // Least-loaded placement alternates: wedged and bystander share the first process.
    const wedged = await engine.createSession(sessionConfig(), echoTool);
    const healthy = await engine.createSession(sessionConfig(), echoTool);
    const bystander = await engine.createSession(sessionConfig(), echoTool);
    expect((await engine.workerStats()).map((s) => s.sessions)).toEqual([2, 1]);
    const [wedgedPid, healthyPid] = engine.workerPids();
    if (wedgedPid === undefined || healthyPid === undefined) throw new Error("no workers");

    // A stopped process answers nothing, exactly like an isolate stuck in endless GC.
    process.kill(wedgedPid, "SIGSTOP");
    const started = performance.now();
    const stuckRun = wedged.run(cell("return { value: 1 };", { timeoutMs: 300 }));
    const bystanderRun = bystander.run(cell("return { value: 2 };", { timeoutMs: 20_000 }));
    let served = 0;
    while (performance.now() - started < 400) {
      const r = await healthy.run(cell("return { value: 3 };", { timeoutMs: 300 }));
      expect(r.runnerResult?.value).toBe("3");
      served++;
    }
    const result = await stuckRun;
    expect(served).toBeGreaterThan(5);
    // Its own deadline passed: the agent's code is charged, not the infrastructure.
    expect(result).toMatchObject({ status: "timeout", stateLost: true });
    expect(result.error?.message).toMatch(/stopped answering past the time limit/);
    // Within its limits when the process was killed: not its fault, answered at once.
    const other = await bystanderRun;
    expect(other).toMatchObject({ status: "infra", stateLost: true });
    expect(other.error?.message).toMatch(/did not answer/);
    expect(performance.now() - started).toBeLessThan(5_000);
    await waitFor(() => !isAlive(wedgedPid));
    expect(isAlive(healthyPid)).toBe(true);

    const after = await wedged.run(cell("return { value: 4 };"));
    expect(after).toMatchObject({ status: "completed", stateLost: false });
    const bystanderAfter = await bystander.run(cell("return { value: 6 };"));
    expect(bystanderAfter).toMatchObject({ status: "completed", stateLost: false });
    expect((await healthy.run(cell("return { value: 5 };"))).stateLost).toBe(false);
    expect(engine.stats().restarts).toBe(1);
  });

  it("runs many sessions at once, spread over the processes", async () => {
    await using engine = createIsolatedVmEngine({ workers: 2, spareSessionsPerWorker: 2 });
    const sessions = await Promise.all(
      Array.from({ length: 24 }, () => engine.createSession(sessionConfig(), echoTool)),
    );
    expect(engine.stats().sessions).toBe(24);
    const perProcess = (await engine.workerStats()).map((s) => s.sessions);
    expect(perProcess).toEqual([12, 12]);
    const values = await Promise.all(
      sessions.map(async (s, i) => {
        await s.run(cell(`globalThis.total = ${i};`));
        await s.run(cell(`total += (await echo(${i})).args;`));
        return (await s.run(cell("return { value: total };"))).runnerResult?.value;
      }),
    );
    expect(values).toEqual(sessions.map((_, i) => String(2 * i)));
    await Promise.all(sessions.map((s) => s.dispose()));
    expect(engine.stats().sessions).toBe(0);
  });

  it("dispose kills every process; twice is harmless; use afterwards is DISPOSED", async () => {
    const engine = createIsolatedVmEngine({ workers: 2, spareSessionsPerWorker: 1 });
    const session = await engine.createSession(sessionConfig(), echoTool);
    const inFlight = session.run(cell("for (;;) {}", { timeoutMs: 10_000 }));
    const pids = engine.workerPids();
    expect(pids).toHaveLength(2);
    await engine.dispose();
    await engine.dispose();
    await engine[Symbol.asyncDispose]();
    await expect(inFlight).rejects.toSatisfy(isDisposed);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(engine.stats()).toMatchObject({ sessions: 0, workers: 0 });
    await expect(engine.createSession(sessionConfig(), echoTool)).rejects.toSatisfy(isDisposed);
    await expect(session.run(cell("return { value: 1 };"))).rejects.toSatisfy(isDisposed);
    await session.dispose();
  });
});
