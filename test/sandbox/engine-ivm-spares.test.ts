/**
 * The isolated-vm engine's spares: once a config repeats, spares are installed with it ahead of
 * time; a session checked out that way has its own config, tools and state, exactly like one
 * installed at create. Another config drops them and still gets a correct session.
 */
import { describe, expect, it } from "vitest";
import type { EngineSession, ToolCallback } from "../../sandbox/engines/contract.ts";
import { createIsolatedVmEngine, type IsolatedVmEngine } from "../../sandbox/engines/isolated-vm/index.ts";
import { cell, echoTool, sessionConfig } from "./engine-helpers.ts";

const RANDOMS = "return { value: [Math.random(), Math.random()].join(',') };";

async function randoms(session: EngineSession): Promise<string | undefined> {
  return (await session.run(cell(RANDOMS))).runnerResult?.value;
}

/** Polls the process's spare count (refills run in the background). */
async function sparesReach(engine: IsolatedVmEngine, count: number): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const spares = (await engine.workerStats())[0]?.spares ?? 0;
    if (spares >= count) return;
    if (Date.now() > end) throw new Error(`spares stayed at ${spares}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("isolated-vm engine: spares installed ahead", () => {
  it("serves a repeated config from an installed spare with its own tools and config", async () => {
    await using engine = createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 1 });
    const seven = sessionConfig({ seed: 7 });
    // Reference numbers from a session installed at create (the config is new to the process).
    const first = await engine.createSession(seven, echoTool);
    const expected = await randoms(first);
    await first.dispose();
    // The second create repeats the config: from now on spares are installed with it.
    await (await engine.createSession(seven, echoTool)).dispose();
    await sparesReach(engine, 2);

    const calls: string[] = [];
    const ownTool: ToolCallback = async (name, args) => {
      calls.push(args);
      return echoTool(name, args);
    };
    const session = await engine.createSession(seven, ownTool);
    expect(await randoms(session)).toBe(expected);
    const echoed = await session.run(cell("return { value: (await echo('mine')).args };"));
    expect(echoed.runnerResult?.value).toBe("'mine'");
    expect(calls).toEqual(['"mine"']);
    await session.run(cell("globalThis.kept = 41;"));
    expect((await session.run(cell("return { value: kept + 1 };"))).runnerResult?.value).toBe("42");

    // Another seed: the installed spares no longer fit; the session is installed at create.
    const eight = await engine.createSession(sessionConfig({ seed: 8 }), echoTool);
    const other = await randoms(eight);
    expect(other).not.toBe(expected);
    expect((await eight.run(cell("return { value: typeof kept };"))).runnerResult?.value).toBe("'undefined'");
    await Promise.all([session.dispose(), eight.dispose()]);
  });

  it("answers a create for a new seed before its install; the first run still sees that seed", async () => {
    await using engine = createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 2 });
    const reference = await engine.createSession(sessionConfig({ seed: 21 }), echoTool);
    const expected = await randoms(reference);
    await reference.dispose();
    await sparesReach(engine, 2);
    // Same shape (tools, flags), seeds that differ from the create before: no spare was installed
    // with them, so each is installed while the answer travels.
    const between = await engine.createSession(sessionConfig({ seed: 22 }), echoTool);
    const session = await engine.createSession(sessionConfig({ seed: 21 }), echoTool);
    expect(await randoms(session)).toBe(expected);
    expect(await randoms(between)).not.toBe(expected);
    const echoed = await session.run(cell("return { value: (await echo(1)).args };"));
    expect(echoed.runnerResult?.value).toBe("1");
    await between.dispose();
    await session.dispose();
  });

  it("still rejects a create whose install fails, even once the prelude is known to work", async () => {
    await using engine = createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 1 });
    await (await engine.createSession(sessionConfig(), echoTool)).dispose();
    await sparesReach(engine, 1);
    // NaN is a non-writable global: the prelude cannot define a tool by that name.
    const broken = sessionConfig({ toolNames: ["NaN"] });
    await expect(engine.createSession(broken, echoTool)).rejects.toThrow(/create failed/);
    const fine = await engine.createSession(sessionConfig({ seed: 99 }), echoTool);
    expect((await fine.run(cell("return { value: 1 };"))).status).toBe("completed");
    await fine.dispose();
  });

  it("re-installs a session from a spare after the memory limit, with the same config", async () => {
    await using engine = createIsolatedVmEngine({ workers: 1, spareSessionsPerWorker: 1 });
    const config = sessionConfig({ seed: 3 }, 16 * 1024 * 1024);
    await (await engine.createSession(config, echoTool)).dispose();
    const session = await engine.createSession(config, echoTool);
    const expected = await randoms(session);
    await sparesReach(engine, 2);
    const blown = await session.run(cell("const a = []; for (;;) a.push(new Array(1e5).fill(1));"));
    expect(blown).toMatchObject({ status: "memory", stateLost: true });
    expect(await randoms(session)).toBe(expected);
    expect((await session.run(cell("return { value: (await echo(5)).args };"))).runnerResult?.value).toBe(
      "5",
    );
    await session.dispose();
  });
});
