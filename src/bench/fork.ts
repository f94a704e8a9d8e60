/**
 * Fork benchmark: `CodeActEnv.fork(N)` on isolated-vm for a parent with 1, 10 and 50 cells of
 * history and N = 1, 8, 64 children (a fork replays the parent's action log into each child).
 */
import { DEFAULT_ENGINE, type EngineName, shutdownEngines } from "../../sandbox/index.ts";
import { CodeActEnv } from "../env/index.ts";
import type { BenchRow } from "./row.ts";

/** A typical agent cell: declarations that persist, a little computation, random numbers. */
function cell(i: number): string {
  return `const v${i} = Math.floor(Math.random() * 1000) + ${i};\nfunction f${i}(x) { return x * 2 + v${i}; }\nlet s${i} = 0; for (let k = 0; k < 50; k++) s${i} += f${i}(k);\ns${i}`;
}

export async function benchFork(opts: { quick?: boolean; engine?: EngineName } = {}): Promise<BenchRow[]> {
  const engine = opts.engine ?? DEFAULT_ENGINE;
  const rows: BenchRow[] = [];
  const repeats = opts.quick ? 2 : 5;
  try {
    for (const history of [1, 10, 50]) {
      const parent = new CodeActEnv({ engine, maxSteps: Number.MAX_SAFE_INTEGER });
      try {
        rows.push(...(await forkRows(parent, history, engine, repeats)));
      } finally {
        await parent.close();
      }
    }
  } finally {
    await shutdownEngines();
  }
  return rows;
}

async function forkRows(
  parent: CodeActEnv,
  history: number,
  engine: EngineName,
  repeats: number,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await parent.reset({ seed: 1 });
  for (let i = 0; i < history; i++) await parent.step({ code: cell(i), language: "js" });
  // Warm-up: engine processes started, transpile and rewrite caches filled.
  await closeAll(await parent.fork(8));
  for (const count of [1, 8, 64]) {
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const children = await parent.fork(count);
      times.push(performance.now() - t0);
      await closeAll(children);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    rows.push({
      name: `fork: ${history} cell(s) of history, ${count} child(ren)`,
      value: round(median / count),
      unit: "ms/child",
      note: `${round(median)} ms for the fork, median of ${repeats}, ${engine}${history === 10 ? "; target <= 1 ms/child" : ""}`,
    });
  }
  if (history === 10) {
    // A trainer forks between generations: with time in between, the engine's spare sessions are
    // refilled, so this is the cost when a child's sandbox comes from a warm spare.
    const times: number[] = [];
    for (let r = 0; r < repeats * 2; r++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const t0 = performance.now();
      const children = await parent.fork(1);
      times.push(performance.now() - t0);
      await closeAll(children);
    }
    times.sort((a, b) => a - b);
    rows.push({
      name: "fork: 10 cells of history, 1 child, 200 ms apart",
      value: round(times[Math.floor(times.length / 2)] ?? Number.NaN),
      unit: "ms/child",
      note: `median of ${times.length}: the engine's spare sessions refilled between forks`,
    });
  }
  return rows;
}

async function closeAll(envs: readonly CodeActEnv[]): Promise<void> {
  await Promise.all(envs.map((e) => e.close()));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
