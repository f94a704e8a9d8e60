/**
 * Server benchmark: steps/second and p50/p99 step latency over /ws with 1, 16 and 128 concurrent
 * clients on loopback (real server, real CodeActEnv on isolated-vm, real WebSocket clients).
 */
import { shutdownEngines } from "../../sandbox/index.ts";
import { EnvClient } from "../client/index.ts";
import { CodeActEnv } from "../env/index.ts";
import { createServer } from "../server/index.ts";
import type { BenchRow } from "./row.ts";

const CELL = "let s = 0; for (let i = 0; i < 100; i++) s += i; s";

export async function benchServer(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const stepsPerClient = opts.quick ? 10 : 50;
  const server = createServer({
    port: 0,
    // The benchmark measures steps, not episodes: no step budget in the way.
    createEnv: () => new CodeActEnv({ engine: "isolated-vm", maxSteps: Number.MAX_SAFE_INTEGER }),
    logLevel: "silent",
    maxSessions: 256,
  });
  const { url } = await server.start();
  const rows: BenchRow[] = [];
  try {
    for (const clients of [1, 16, 128]) rows.push(...(await runLevel(url, clients, stepsPerClient)));
  } finally {
    await server.close();
    await shutdownEngines();
  }
  return rows;
}

async function runLevel(url: string, clients: number, stepsPerClient: number): Promise<BenchRow[]> {
  const connections = await Promise.all(Array.from({ length: clients }, () => EnvClient.connect(url)));
  try {
    await Promise.all(connections.map((c) => c.reset()));
    // Warm-up: first cells of a session pay for transpiler and context start-up.
    await Promise.all(connections.map((c) => c.step({ code: CELL })));
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      connections.map(async (c) => {
        for (let i = 0; i < stepsPerClient; i++) {
          const t0 = performance.now();
          await c.step({ code: CELL });
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const note = `${clients} client(s) x ${stepsPerClient} steps over /ws, isolated-vm`;
    return [
      {
        name: `server ws steps/s (${clients} clients)`,
        value: round(latencies.length / elapsedS),
        unit: "steps/s",
        note,
      },
      { name: `server ws step p50 (${clients} clients)`, value: round(quantile(latencies, 0.5)), unit: "ms" },
      {
        name: `server ws step p99 (${clients} clients)`,
        value: round(quantile(latencies, 0.99)),
        unit: "ms",
      },
    ];
  } finally {
    await Promise.all(connections.map((c) => c.close()));
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
