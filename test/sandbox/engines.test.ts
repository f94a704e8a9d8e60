/** The engine registry: one shared engine per name, stats, shutdown. */
import { afterAll, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import {
  createSandbox,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineStats,
  getEngine,
  isEngineName,
  liveSandboxCount,
  shutdownEngines,
} from "../../sandbox/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

describe("engine registry", () => {
  it("shares one engine per name and counts live sandboxes", async () => {
    const a = await getEngine("quickjs");
    expect(await getEngine("quickjs")).toBe(a);
    const box = await createSandbox({ engine: "quickjs" });
    expect(liveSandboxCount()).toBe(1);
    expect((await engineStats()).quickjs?.sessions).toBeGreaterThanOrEqual(1);
    await box.dispose();
    expect(liveSandboxCount()).toBe(0);
    await shutdownEngines();
    await shutdownEngines();
    expect(await engineStats()).toEqual({});
    expect(await getEngine("quickjs")).not.toBe(a);
  });

  it("rejects unknown engine names, naming every registered one", async () => {
    expect(() => getEngine("v8" as never)).toThrow(CodeActError);
    await expect(createSandbox({ engine: "v8" as never })).rejects.toThrow(
      new RegExp(ENGINE_NAMES.map((n) => `"${n}"`).join(" or ")),
    );
    for (const hostile of ["v8", "", "toString", "__proto__", null, 1])
      expect(isEngineName(hostile)).toBe(false);
  });

  it("is the only list of engines: each name starts an engine of that name; the default is one of them", async () => {
    expect(Object.isFrozen(ENGINE_NAMES)).toBe(true);
    expect(ENGINE_NAMES).toContain(DEFAULT_ENGINE);
    for (const name of ENGINE_NAMES) {
      expect(isEngineName(name)).toBe(true);
      expect((await getEngine(name)).name).toBe(name);
    }
    const box = await createSandbox();
    expect(box.engine).toBe(DEFAULT_ENGINE);
    await box.dispose();
  });
});
