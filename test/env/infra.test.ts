import { execFileSync } from "node:child_process";
import { afterAll, expect, it } from "vitest";
import { liveSandboxCount, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv, type CodeObservation } from "../../src/env/index.ts";

afterAll(async () => {
  await shutdownEngines();
  expect(liveSandboxCount()).toBe(0);
});

/** The isolate host processes are this test process's children; kill them as a crash would. */
function killSandboxProcesses(): number {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  const pids = out
    .split("\n")
    .filter((line) => line.includes("isolated-vm"))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((n) => n > 0);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return pids.length;
}

it("never scores an infrastructure failure as the model's: infra_error flagged, reward null", async () => {
  await using env = new CodeActEnv({
    engine: "isolated-vm",
    limits: { timeoutMs: 20_000, cpuTimeMs: 20_000 },
  });
  await env.reset();
  await env.step({ code: "globalThis.kept = 1" });
  const pending = env.step({ code: "while (true) {}" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(killSandboxProcesses()).toBeGreaterThan(0);
  const result = await pending;
  const o = result.observation as CodeObservation;
  expect(o.error?.kind).toBe("infra");
  expect(o.infra_error).toBe(true);
  expect(o.state_lost).toBe(true);
  expect(result.reward).toBeNull();
  expect(o.rewards).toBeUndefined();
  // The episode goes on in a fresh sandbox; the earlier state is gone, as the infra step said.
  const next = await env.step({ code: "typeof kept" });
  const n = next.observation as CodeObservation;
  expect(n.value).toBe("'undefined'");
  expect(next.reward).toBe(1);
});
