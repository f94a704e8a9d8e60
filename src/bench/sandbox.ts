/**
 * Sandbox benchmark: step latency per engine, pooled session creation, throughput with concurrent
 * sessions, against the floor (`new Function` in the host) and the usual baseline (one `node -e`
 * child process per cell), with the ratios the targets are stated in.
 *
 * Pooled creates idle 25 ms before each create so spares are refilled; that idle also lets the
 * host processes go to sleep, so these figures include waking them (~0.2 ms on these machines),
 * which a busy server does not pay. Steps run back to back (processes awake).
 */
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import {
  createSandbox,
  DEFAULT_LIMITS,
  ENGINE_NAMES,
  type EngineName,
  getEngine,
  getPrelude,
} from "../../sandbox/index.ts";
import type { BenchRow } from "./row.ts";

const TRIVIAL_CELL = "let n = 1 + 1; n";
/** Targets of the isolated-vm engine (the figures). */
const IVM_STEP_TARGET_MS = 0.2;
const IVM_CREATE_TARGET_MS = 1;
const CHILD_SPEEDUP_TARGET = 100;
const run = promisify(execFile);

export async function benchSandbox(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick === true;
  const rows: BenchRow[] = [];
  const floorUs = benchFloor(quick ? 20_000 : 200_000);
  rows.push({ name: "host new Function (floor)", value: round(floorUs, 3), unit: "µs/cell" });
  const floorMs = floorUs / 1000;
  const childMs = await benchChildProcess(quick ? 5 : 20);
  rows.push({
    name: "node -e child process per cell (baseline) p50",
    value: round(childMs, 2),
    unit: "ms/cell",
  });
  for (const engine of ENGINE_NAMES) {
    try {
      rows.push(...(await benchEngine(engine, quick, { childMs, floorMs })));
    } catch (err) {
      rows.push({ name: `${engine}: failed`, value: Number.NaN, unit: "", note: String(err) });
    }
  }
  return rows;
}

async function benchEngine(
  engine: EngineName,
  quick: boolean,
  base: { childMs: number; floorMs: number },
): Promise<BenchRow[]> {
  const steps = quick ? 300 : 3000;
  const creates = quick ? 20 : 100;
  const sessions = 8;
  const cellsPerSession = quick ? 50 : 400;
  const { step: latency, hop } = await stepLatencies(engine, steps);
  const pooled = await createLatency(engine, creates, 25, false);
  const seeded = await createLatency(engine, creates, 25, true);
  const burst = (await createLatency(engine, creates, 0, false)).create;
  const create = pooled.create;
  const createSeeded = seeded.create;
  const throughput = await concurrentThroughput(engine, sessions, cellsPerSession);
  const rows: BenchRow[] = [
    {
      name: `${engine}: warm trivial step p50`,
      value: round(latency.p50, 4),
      unit: "ms",
      note: `full sandbox.run incl. rewrite, result shaping, engine hop; p50 of ${BLOCKS} blocks ${range(latency)}`,
    },
    { name: `${engine}: warm trivial step p99`, value: round(latency.p99, 4), unit: "ms" },
    {
      name: `${engine}: engine step p50`,
      value: round(hop.p50, 4),
      unit: "ms",
      note: `engine.run alone: the hop to the sandbox and back; p50 of ${BLOCKS} blocks ${range(hop)}`,
    },
    { name: `${engine}: engine step p99`, value: round(hop.p99, 4), unit: "ms" },
    {
      name: `${engine}: session create p50 (pooled)`,
      value: round(create, 4),
      unit: "ms",
      note: "pool refilled; same config each time (reset without a seed)",
    },
    {
      name: `${engine}: session create p50 (pooled, new seed)`,
      value: round(createSeeded, 4),
      unit: "ms",
      note: "pool refilled; another seed each time (RL episodes)",
    },
    {
      name: `${engine}: create + first step p50 (pooled, new seed)`,
      value: round(seeded.withStep, 4),
      unit: "ms",
      note: "the first step right after the create (an agent usually thinks in between)",
    },
    {
      name: `${engine}: session create p50 (back to back)`,
      value: round(burst, 4),
      unit: "ms",
      note: "pool drained",
    },
    {
      name: `${engine}: throughput, ${sessions} concurrent sessions`,
      value: Math.round(throughput),
      unit: "cells/s",
    },
    {
      name: `${engine}: speed-up vs child process per cell`,
      value: round(base.childMs / latency.p50, 1),
      unit: "x",
      note: verdict(base.childMs / latency.p50 >= CHILD_SPEEDUP_TARGET, `target >= ${CHILD_SPEEDUP_TARGET}x`),
    },
    {
      name: `${engine}: step p50 over the new Function floor`,
      value: Math.round(latency.p50 / base.floorMs),
      unit: "x",
      note: "the price of isolation, IPC and limits",
    },
  ];
  if (engine === "isolated-vm") rows.push(...targetRows(latency.p50, create, createSeeded));
  return rows;
}

/** Figure / target: below 1 meets it. */
function targetRows(stepMs: number, createMs: number, createSeededMs: number): BenchRow[] {
  const ratio = (name: string, value: number, target: number, unit: string): BenchRow => ({
    name: `isolated-vm: ${name} / target`,
    value: round(value / target, 2),
    unit: "x",
    note: verdict(value < target, `target < ${target} ${unit}`),
  });
  return [
    ratio("step p50", stepMs, IVM_STEP_TARGET_MS, "ms"),
    ratio("pooled create p50", createMs, IVM_CREATE_TARGET_MS, "ms"),
    ratio("pooled create p50, new seed", createSeededMs, IVM_CREATE_TARGET_MS, "ms"),
  ];
}

function range(latency: Latency): string {
  return `${round(latency.blockP50s[0], 3)}-${round(latency.blockP50s[1], 3)} ms`;
}

function verdict(met: boolean, target: string): string {
  return `${target}: ${met ? "met" : "NOT met"}`;
}

interface Latency {
  p50: number;
  p99: number;
  /** The lowest and highest p50 of the measurement blocks: how much the machine moved meanwhile. */
  blockP50s: [number, number];
}

/** Warm-up steps before measuring: enough for V8 to optimize the host's and the child's code. */
const WARM_STEPS = 300;
const BLOCKS = 6;

/**
 * The full step (`sandbox.run`) and the engine's share of it, measured in alternating blocks so
 * that both see the same load on a shared machine.
 */
async function stepLatencies(engine: EngineName, steps: number): Promise<{ step: Latency; hop: Latency }> {
  const sandbox = await createSandbox({ engine });
  const hop = await engineStepper(engine);
  const fullStep = async () => {
    const r = await sandbox.run(TRIVIAL_CELL);
    if (!r.ok) throw new Error(`trivial cell failed: ${r.error?.message}`);
  };
  try {
    await settle();
    for (let i = 0; i < WARM_STEPS; i++) {
      await fullStep();
      await hop.step();
    }
    const blocks: { step: number[][]; hop: number[][] } = { step: [], hop: [] };
    for (let b = 0; b < BLOCKS; b++) {
      blocks.step.push(await timeSteps(fullStep, Math.ceil(steps / BLOCKS)));
      blocks.hop.push(await timeSteps(hop.step, Math.ceil(steps / BLOCKS)));
    }
    return { step: summarize(blocks.step), hop: summarize(blocks.hop) };
  } finally {
    await sandbox.dispose();
    await hop.dispose();
  }
}

async function timeSteps(step: () => Promise<void>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return times;
}

function summarize(blocks: number[][]): Latency {
  const all = blocks.flat();
  const p50s = blocks.map((b) => percentile(b, 0.5));
  return {
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    blockP50s: [Math.min(...p50s), Math.max(...p50s)],
  };
}

/** The engine's share of a step: a cell already rewritten, sent straight to an engine session. */
async function engineStepper(
  engine: EngineName,
): Promise<{ step: () => Promise<void>; dispose: () => Promise<void> }> {
  const limits = DEFAULT_LIMITS;
  const config = { seed: 0, realTime: false, startTimeMs: 0, toolNames: [], grading: false };
  const session = await (await getEngine(engine)).createSession(
    {
      prelude: getPrelude(),
      preludeConfig: config,
      memoryLimitBytes: limits.memoryLimitBytes,
      maxStackBytes: limits.maxStackBytes,
    },
    async () => JSON.stringify({ ok: false, message: "no tools" }),
  );
  let i = 0;
  const step = async () => {
    const filename = `bench-${++i}.js`;
    const r = await session.run({
      code: "var n;(async () => {\n(n = 1 + 1);\nreturn { value: (n) };\n})",
      filename,
      timeoutMs: limits.timeoutMs,
      cpuTimeMs: limits.cpuTimeMs,
      cellOptions: { outputLimitBytes: limits.outputLimitBytes, filename },
    });
    if (r.status !== "completed" || r.runnerResult?.error !== undefined)
      throw new Error(`trivial cell failed: ${r.status}`);
  };
  return { step, dispose: () => session.dispose() };
}

/**
 * `idleMs` between creations lets the engine refill its pool of warm sessions; `newSeed` gives
 * every session its own seed, so no spare can be installed ahead with the exact config.
 */
async function createLatency(
  engine: EngineName,
  n: number,
  idleMs: number,
  newSeed: boolean,
): Promise<{ create: number; withStep: number }> {
  const times: number[] = [];
  const withStep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
    const t0 = performance.now();
    const sandbox = await createSandbox(newSeed ? { engine, seed: i + 1 } : { engine });
    times.push(performance.now() - t0);
    // An engine may answer the create before the sandbox is ready; this shows what is left.
    await sandbox.run(TRIVIAL_CELL);
    withStep.push(performance.now() - t0);
    await sandbox.dispose();
  }
  return { create: percentile(times, 0.5), withStep: percentile(withStep, 0.5) };
}

async function concurrentThroughput(engine: EngineName, sessions: number, cells: number): Promise<number> {
  const boxes = await Promise.all(Array.from({ length: sessions }, () => createSandbox({ engine })));
  try {
    const t0 = performance.now();
    await Promise.all(
      boxes.map(async (box) => {
        for (let i = 0; i < cells; i++) await box.run(TRIVIAL_CELL);
      }),
    );
    return (sessions * cells) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(boxes.map((b) => b.dispose()));
  }
}

/** Lets the engine finish filling its spares (steady state) before steps are timed. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

function benchFloor(n: number): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += (new Function("let n = 1 + 1; return n") as () => number)();
  const us = ((performance.now() - t0) * 1000) / n;
  return sink > 0 ? us : Number.NaN;
}

async function benchChildProcess(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(process.execPath, ["-e", "let n = 1 + 1; console.log(n)"]);
    times.push(performance.now() - t0);
  }
  return percentile(times, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
