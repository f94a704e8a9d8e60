/** The engine registry: one shared engine per name, stats, shutdown. */
import { afterAll, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import {
  createSandbox,
  engineStats,
  getEngine,
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

  it("rejects unknown engine names", async () => {
    expect(() => getEngine("v8" as never)).toThrow(CodeActError);
    await expect(createSandbox({ engine: "v8" as never })).rejects.toThrow(/engine/);
  });
});
