/** isolated-vm-specific behaviour on real child processes; the contract every engine shares is in engine.cases.ts. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import type { EngineSession } from "../../sandbox/engines/contract.ts";
import { createIsolatedVmEngine, type IsolatedVmEngine } from "../../sandbox/engines/isolated-vm/index.ts";
import { cell, echoTool, isAlive, MiB, sessionConfig } from "./engine-helpers.ts";

let engine: IsolatedVmEngine;

beforeAll(() => {
  engine = createIsolatedVmEngine({ workers: 2, spareSessionsPerWorker: 1 });
});

afterAll(async () => {
  const pids = engine.workerPids();
  await engine.dispose();
  expect(pids.filter(isAlive)).toEqual([]);
});

async function withSession<T>(fn: (s: EngineSession) => Promise<T>, config = sessionConfig()): Promise<T> {
  const session = await engine.createSession(config, echoTool);
  try {
    return await fn(session);
  } finally {
    await session.dispose();
  }
}

describe("isolated-vm engine: cells", () => {
  it("answers a syntax error with compile_error naming the position", async () => {
    await withSession(async (s) => {
      const result = await s.run({ ...cell(""), code: "let let = 1;", filename: "cell-syntax.js" });
      expect(result.status).toBe("compile_error");
      expect(result.error?.name).toBe("SyntaxError");
      expect(result.error?.message).toContain("cell-syntax.js:1");
      expect(result.error?.stack ?? "").not.toContain("file://");
    });
  });

  it("runs a cell script once, even when it throws or yields no function at its top level", async () => {
    await withSession(async (s) => {
      const count = "globalThis.runs = (globalThis.runs || 0) + 1;";
      const notAFunction = await s.run({ ...cell(""), code: `${count} 42` });
      expect(notAFunction.status).toBe("compile_error");
      expect(notAFunction.error?.message).toContain("must evaluate to a function, got number");
      const threw = await s.run({ ...cell(""), code: `${count} throw new RangeError("at the top");` });
      expect(threw.status).toBe("compile_error");
      expect(threw.error).toMatchObject({ name: "RangeError", message: "at the top" });
      const stackless = await s.run({ ...cell(""), code: `${count} throw { stack: "" };` });
      expect(stackless.status).toBe("compile_error");
      expect((await s.run(cell("return { value: runs };"))).runnerResult?.value).toBe("3");
    });
  });

  it("runs a cell whose filename cannot be a sourceURL, naming its frames by that filename", async () => {
    await withSession(async (s) => {
      const request = { ...cell("throw new Error('odd');"), filename: "odd name\n.js" };
      const result = await s.run(request);
      expect(result.runnerResult?.error?.stack).toContain("odd name");
    });
  });

  it("survives deep recursion as an ordinary RangeError", async () => {
    await withSession(async (s) => {
      const result = await s.run(cell("function f(n) { return f(n + 1) + 1; } return { value: f(0) };"));
      expect(result.status).toBe("completed");
      expect(result.runnerResult?.error?.name).toBe("RangeError");
      expect((await s.run(cell("return { value: 5 };"))).runnerResult?.value).toBe("5");
    });
  });
});

describe("isolated-vm engine: tools", () => {
  it("answers a tool callback that throws with a generic failure", async () => {
    const session = await engine.createSession(sessionConfig(), async () => {
      throw new Error("secret host path /etc/shadow");
    });
    try {
      const result = await session.run(
        cell("try { await echo(1); } catch (e) { return { value: e.message }; }"),
      );
      expect(result.runnerResult?.value).toBe("'the tool failed'");
    } finally {
      await session.dispose();
    }
  });
});

describe("isolated-vm engine: limits", () => {
  it("fires no timer once the synchronous part of a cell hit the limit", async () => {
    await withSession(async (s) => {
      const body = "setTimeout(() => console.log('fired'), 0); console.log('before'); for (;;) {}";
      const result = await s.run(cell(body, { timeoutMs: 300, cpuTimeMs: 5_000 }));
      expect(result.status).toBe("timeout");
      expect(result.runnerResult?.stdout).toBe("before\n");
    });
  });

  it("gives the timers after a slow synchronous part only what is left of the limit", async () => {
    await withSession(
      async (s) => {
        const body =
          "const end = Date.now() + 250; while (Date.now() < end) {} setTimeout(() => { for (;;) {} }, 0);";
        const result = await s.run(cell(body, { timeoutMs: 400, cpuTimeMs: 5_000 }));
        expect(result.status).toBe("timeout");
        expect(result.usage.wallMs).toBeGreaterThanOrEqual(390);
        expect(result.usage.wallMs).toBeLessThan(600);
      },
      sessionConfig({ realTime: true }),
    );
  });

  it("counts time spent waiting on a slow tool against the wall-clock limit", async () => {
    await withSession(async (s) => {
      const result = await s.run(
        cell("await echo({ delayMs: 2000 });", { timeoutMs: 200, cpuTimeMs: 5_000 }),
      );
      expect(result.status).toBe("timeout");
      expect(result.usage.cpuMs).toBeLessThan(150);
    });
  });

  it("replaces the isolate at the memory limit; the session goes on with its tools", async () => {
    await withSession(
      async (s) => {
        await s.run(cell("globalThis.kept = 1;"));
        const result = await s.run(
          cell("const a = []; for (;;) a.push({ v: Math.random() });", { timeoutMs: 20_000 }),
        );
        expect(result.status).toBe("memory");
        expect(result.stateLost).toBe(true);
        const after = await s.run(cell("return { value: typeof kept + ',' + (await echo(2)).args };"));
        expect(after.status).toBe("completed");
        expect(after.stateLost).toBe(false);
        expect(after.runnerResult?.value).toBe("'undefined,2'");
      },
      sessionConfig({}, 16 * MiB),
    );
  });

  it("does not let WebAssembly allocate around the heap limit (the prelude removes it)", async () => {
    await withSession(async (s) => {
      const result = await s.run(cell("return { value: typeof WebAssembly };"));
      expect(result.runnerResult?.value).toBe("'undefined'");
    });
  });
});

describe("isolated-vm engine: lifetimes", () => {
  it("counts sessions and rejects runs after a session's dispose", async () => {
    const before = engine.stats().sessions;
    const session = await engine.createSession(sessionConfig(), echoTool);
    expect(engine.stats().sessions).toBe(before + 1);
    await session.dispose();
    await session.dispose();
    expect(engine.stats().sessions).toBe(before);
    await expect(session.run(cell("return { value: 1 };"))).rejects.toSatisfy(
      (e) => e instanceof CodeActError && e.code === "DISPOSED",
    );
  });

  it("disposes a session in the middle of a run without harming its process", async () => {
    const restarts = engine.stats().restarts;
    const session = await engine.createSession(sessionConfig(), echoTool);
    const running = session.run(cell("for (;;) {}", { timeoutMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await session.dispose();
    await expect(running).rejects.toSatisfy((e) => e instanceof CodeActError && e.code === "DISPOSED");
    await withSession(async (s) => {
      expect((await s.run(cell("return { value: 6 };"))).runnerResult?.value).toBe("6");
    });
    expect(engine.stats().restarts).toBe(restarts);
  });

  it("rejects bad options and bad requests naming what was wrong", async () => {
    expect(() => createIsolatedVmEngine({ workers: 0 })).toThrow(/workers/);
    expect(() => createIsolatedVmEngine({ bogus: 1 } as never)).toThrow(/bogus/);
    await expect(
      engine.createSession({ ...sessionConfig(), memoryLimitBytes: -1 }, echoTool),
    ).rejects.toThrow(/memoryLimitBytes/);
    await withSession(async (s) => {
      await expect(s.run({ ...cell(""), timeoutMs: Number.NaN })).rejects.toThrow(/timeoutMs/);
    });
  });

  it("reports per-process figures", async () => {
    const stats = await engine.workerStats();
    expect(stats).toHaveLength(2);
    for (const s of stats) expect(s.rssBytes).toBeGreaterThan(0);
  });
});
