/** Every engine in the registry passes the engine contract cases; nothing is left running after. */
import { afterAll, describe, expect, it } from "vitest";
import { ENGINE_NAMES, engineStats, getEngine, shutdownEngines } from "../../sandbox/index.ts";
import { engineCases } from "./engine.cases.ts";
import { echoTool, sessionConfig } from "./engine-helpers.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(await engineStats()).toEqual({});
});

describe.each(ENGINE_NAMES)("engine contract: %s", (name) => {
  for (const c of engineCases) {
    it(c.name, async () => {
      const engine = await getEngine(name);
      const session = await engine.createSession(c.config ?? sessionConfig(), echoTool);
      try {
        await c.run(session);
      } finally {
        await session.dispose();
      }
      expect(engine.stats().sessions).toBe(0);
    });
  }
});
