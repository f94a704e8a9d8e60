/**
 * The engine contract cases (sandbox/engines/contract.ts): what every engine must do with raw
 * cell requests, below the sandbox session. engine-contract.test.ts runs them once per name in
 * the registry, like Hono's router cases; a new engine passes these before anything else.
 * Engine-specific behaviour (process pools, spares, instance replacement) stays in its own tests.
 */
import { expect } from "vitest";
import { isCodeActError } from "../../errors/index.ts";
import type { EngineSession, EngineSessionConfig } from "../../sandbox/engines/contract.ts";
import { cell, sessionConfig } from "./engine-helpers.ts";

export interface EngineCase {
  name: string;
  config?: EngineSessionConfig;
  run(session: EngineSession): Promise<void>;
}

export const engineCases: EngineCase[] = [
  {
    name: "runs cells in one session with state kept between them, and reports usage",
    async run(s) {
      const first = await s.run(cell("console.log('hi', 1); globalThis.x = 41; return { value: x + 1 };"));
      expect(first.status).toBe("completed");
      expect(first.runnerResult).toMatchObject({ stdout: "hi 1\n", value: "42", outputLimitHit: false });
      expect(first.stateLost).toBe(false);
      expect(first.usage.wallMs).toBeGreaterThan(0);
      expect(first.usage.heapBytes).toBeGreaterThan(0);
      const second = await s.run(cell("return { value: x * 2 };"));
      expect(second.runnerResult?.value).toBe("82");
    },
  },
  {
    name: "answers a script that does not parse with compile_error and the engine's SyntaxError",
    async run(s) {
      const result = await s.run({ ...cell(""), code: "(async () => { let = ; })" });
      expect(result.status).toBe("compile_error");
      expect(result.error?.name).toBe("SyntaxError");
      expect((await s.run(cell("return { value: 'next' };"))).runnerResult?.value).toBe("'next'");
    },
  },
  {
    name: "passes an uncaught exception to the runner as the cell's error, not as an engine failure",
    async run(s) {
      const result = await s.run(cell("throw new TypeError('bad input');"));
      expect(result.status).toBe("completed");
      expect(result.runnerResult?.error).toMatchObject({ name: "TypeError", message: "bad input" });
    },
  },
  {
    name: "returns the prelude's grading reports in order",
    config: sessionConfig({ grading: true }),
    async run(s) {
      const result = await s.run(cell("test('adds', () => { if (1 + 1 !== 2) throw new Error('no'); });"));
      expect(result.status).toBe("completed");
      expect(result.reports.map(([kind]) => kind)).toEqual(["registered", "test", "run_end"]);
      expect(JSON.parse(result.reports[1]?.[1] ?? "{}")).toMatchObject({ name: "adds", status: "passed" });
      expect(result.runnerResult?.tests).toMatchObject({ passed: 1, failed: 0, total: 1 });
    },
  },
  {
    name: "round-trips tool calls, concurrent ones each to its own result, a failing one as a rejection",
    async run(s) {
      const result = await s.run(
        cell(`
          const r = await Promise.all([40, 5, 20].map((d) => echo({ delayMs: d })));
          let failed = "";
          try { await echo({ fail: "no such file" }); } catch (e) { failed = e.message; }
          return { value: JSON.stringify([r.map((x) => x.args.delayMs), r[0].tool, failed]) };`),
      );
      expect(result.status).toBe("completed");
      expect(result.runnerResult?.value).toBe(`'${JSON.stringify([[40, 5, 20], "echo", "no such file"])}'`);
    },
  },
  {
    name: "serializes concurrent runs of one session",
    async run(s) {
      await s.run(cell("globalThis.log = [];"));
      const [a, b] = await Promise.all([
        s.run(cell("await echo({ delayMs: 30 }); log.push('a'); return { value: log.length };")),
        s.run(cell("log.push('b'); return { value: log.join() };")),
      ]);
      expect(a.runnerResult?.value).toBe("1");
      expect(b.runnerResult?.value).toBe("'a,b'");
    },
  },
  {
    name: "reports a cell awaiting something that never settles as stuck",
    async run(s) {
      const result = await s.run(cell("await new Promise(() => {});"));
      expect(result.status).toBe("completed");
      expect(result.runnerResult?.stuck).toBe(true);
    },
  },
  {
    name: "stops an endless loop at the wall-clock limit, keeps its output and the session's state",
    async run(s) {
      await s.run(cell("globalThis.kept = 'yes';"));
      const result = await s.run(
        cell("console.log('before'); for (;;) {}", { timeoutMs: 300, cpuTimeMs: 5_000 }),
      );
      expect(result.status).toBe("timeout");
      expect(result.runnerResult?.stdout).toBe("before\n");
      const after = await s.run(cell("return { value: kept };"));
      expect(after).toMatchObject({ status: "completed", stateLost: false });
      expect(after.runnerResult?.value).toBe("'yes'");
    },
  },
  {
    name: "stops an endless loop that starts after an awaited tool",
    async run(s) {
      const body = "await echo(1); console.log('after tool'); for (;;) {}";
      const result = await s.run(cell(body, { timeoutMs: 300, cpuTimeMs: 5_000 }));
      expect(result.status).toBe("timeout");
      expect(result.runnerResult?.stdout).toBe("after tool\n");
    },
  },
  {
    name: "stops CPU-bound code at the CPU-time limit",
    async run(s) {
      const result = await s.run(cell("for (;;) {}", { timeoutMs: 10_000, cpuTimeMs: 150 }));
      expect(result.status).toBe("cpu_timeout");
    },
  },
  {
    name: "rejects a run after dispose with DISPOSED, and disposing twice is harmless",
    async run(s) {
      await s.dispose();
      await s.dispose();
      await expect(s.run(cell("return { value: 1 };"))).rejects.toSatisfy((e) =>
        isCodeActError(e, "DISPOSED"),
      );
    },
  },
];
