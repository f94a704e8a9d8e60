/** Runs every conformance case against every engine; nothing may be left alive afterwards. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CodeActError } from "../../errors/index.ts";
import { createSandbox, ENGINE_NAMES, liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { conformanceCases } from "./conformance.cases.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

describe.each(ENGINE_NAMES)("sandbox conformance: %s", (engine) => {
  afterEach(() => {
    expect(liveSandboxCount()).toBe(0);
  });

  for (const c of conformanceCases) {
    it(c.name, async () => {
      const sandbox = await createSandbox({ ...c.options, engine });
      try {
        await c.run(sandbox);
      } finally {
        await sandbox.dispose();
      }
    });
  }

  it("lifetime: double dispose is harmless, run after dispose is DISPOSED", async () => {
    const sandbox = await createSandbox({ engine });
    await sandbox.dispose();
    await sandbox[Symbol.asyncDispose]();
    expect(sandbox.disposed).toBe(true);
    await expect(sandbox.run("1")).rejects.toSatisfy(
      (e) => e instanceof CodeActError && e.code === "DISPOSED",
    );
  });

  it("dispose during a run settles the run and leaves nothing behind", async () => {
    const sandbox = await createSandbox({ engine, limits: { timeoutMs: 20_000, cpuTimeMs: 20_000 } });
    const running = sandbox.run("for (;;) {}");
    const queued = sandbox.run("1");
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await sandbox.dispose();
    const settled = await Promise.allSettled([running, queued]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    for (const s of settled) {
      if (s.status === "rejected") expect(s.reason).toBeInstanceOf(CodeActError);
      else expect(s.value.ok).toBe(false);
    }
    expect(settled[1]).toMatchObject({ status: "rejected", reason: { code: "DISPOSED" } });
  });

  it("runs of one session are serialized", async () => {
    await using sandbox = await createSandbox({ engine });
    await sandbox.run("let log = [];");
    const [a, b] = await Promise.all([
      sandbox.run("await new Promise((r) => setTimeout(r, 50)); log.push('a'); log.length"),
      sandbox.run("log.push('b'); log.join()"),
    ]);
    expect(a.value).toBe("1");
    expect(b.value).toBe("'a,b'");
  });

  it("rejects bad options naming the field", async () => {
    await expect(createSandbox({ engine, limits: { timeoutMs: -5 } })).rejects.toThrow(/limits\.timeoutMs/);
    await using sandbox = await createSandbox({ engine });
    await expect(
      sandbox.run("1", { limits: { outputLimitBytes: Number.POSITIVE_INFINITY } }),
    ).rejects.toThrow(/outputLimitBytes/);
  });
});
