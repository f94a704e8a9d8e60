/**
 * Crash attribution on both engines, with real crashes: the fault hook (sandbox/engines/fault.ts)
 * kills the worker hosting a cell that contains the token, as SIGSEGV kills a process. A crash the
 * cell reproduces in quarantine (after the session's earlier cells) is the cell's failure, kind
 * "crash"; one it does not reproduce stays infra; sessions that only shared the dead worker lose
 * their state and are never blamed. Timer storms, which crashed isolated-vm's process before,
 * end as timeouts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  ENGINE_NAMES,
  gradeProgram,
  liveSandboxCount,
  shutdownEngines,
} from "../../sandbox/index.ts";

const TOKEN = "CRASH_THIS_WORKER_NOW";
const ONCE_TOKEN = "CRASH_THIS_WORKER_ONCE";
const dir = mkdtempSync(join(tmpdir(), "codeact-crash-"));
const ONCE = join(dir, "once");
// Read by the engines' workers, which start after this (one process per test file).
process.env.CODEACT_FAULT_CRASH_TOKEN = TOKEN;
process.env.CODEACT_FAULT_CRASH_ONCE_TOKEN = ONCE_TOKEN;
process.env.CODEACT_FAULT_CRASH_ONCE_FILE = ONCE;

afterAll(async () => {
  await shutdownEngines();
  rmSync(dir, { recursive: true, force: true });
  expect(liveSandboxCount()).toBe(0);
});

/** A cell that crashes its worker; the token is split in the code that defines it, joined here. */
const crashCall = `await boom(); /* ${TOKEN} */`;

describe.each(ENGINE_NAMES)("crash attribution on %s", (engine) => {
  it("a crash the cell reproduces after the session's earlier cells is the cell's failure, not infra", async () => {
    await using sb = await createSandbox({ engine, tools: { echo: (a) => a } });
    // The earlier cells are replayed in quarantine, tool answers included.
    expect((await sb.run("globalThis.boom = async () => (await echo({ n: 1 })).n;")).ok).toBe(true);
    const r = await sb.run(crashCall);
    expect(r.error?.kind).toBe("crash");
    expect(r.exit_code).toBe(139);
    expect(r.state_lost).toBe(true);
    expect(r.error?.message).toMatch(/crashed a quarantined one again/);
    // The session goes on in a fresh sandbox.
    expect((await sb.run("typeof boom")).value).toBe("'undefined'");
    expect((await sb.run("1 + 1")).value).toBe("2");
  });

  it("a crash the cell does not reproduce stays infra (masked, never scored)", async () => {
    writeFileSync(ONCE, "");
    await using sb = await createSandbox({ engine });
    const r = await sb.run(`1 /* ${ONCE_TOKEN} */`);
    expect(r.error?.kind).toBe("infra");
    expect(r.state_lost).toBe(true);
  });

  it("sessions sharing the dead worker lose their state as infra, and none is blamed", async () => {
    const bystanders = await Promise.all(Array.from({ length: 6 }, () => createSandbox({ engine })));
    try {
      for (const b of bystanders) expect((await b.run("globalThis.mine = 1")).ok).toBe(true);
      await using crasher = await createSandbox({ engine });
      expect((await crasher.run(`1 /* ${TOKEN} */`)).error?.kind).toBe("crash");
      const after = await Promise.all(bystanders.map((b) => b.run("typeof mine")));
      for (const r of after) expect(["infra", undefined]).toContain(r.error?.kind);
      expect(after.some((r) => r.error?.kind === "infra")).toBe(true);
      const lost = after.filter((r) => r.error?.kind === "infra");
      for (const r of lost) expect(r.state_lost).toBe(true);
      // The others kept their state; the lost ones work again on their next cell.
      for (const r of after.filter((x) => x.ok)) expect(r.value).toBe("'number'");
      for (const b of bystanders) expect((await b.run("2")).value).toBe("2");
    } finally {
      await Promise.all(bystanders.map((b) => b.dispose()));
    }
  });

  it("a crash while grading fails the program instead of excusing it", async () => {
    const r = await gradeProgram({
      program: `function add(a, b) { return a - b; }\n/* ${TOKEN} */`,
      tests: "if (add(1, 2) !== 3) throw new Error('wrong');",
      language: "js",
      engine,
    });
    expect(r.passed).toBe(false);
    expect(r.infra).toBe(false);
    expect(r.error?.kind).toBe("crash");
  });

  it("timer storms end in a timeout, not a crash of the sandbox process", async () => {
    // isolated-vm's process died 2-3 s into such a storm at the default 5 s limit.
    const timeoutMs = engine === "isolated-vm" ? 5000 : 1000;
    await using sb = await createSandbox({ engine, limits: { timeoutMs, cpuTimeMs: timeoutMs } });
    for (const storm of ["const f = () => setTimeout(f, 0); f();", "const f = () => setImmediate(f); f();"]) {
      const r = await sb.run(`${storm} await new Promise(() => {});`);
      expect(r.error?.kind, storm).toBe("timeout");
      expect(r.state_lost, storm).toBeUndefined();
    }
    expect((await sb.run("3")).value).toBe("3");
  }, 60_000);
});
