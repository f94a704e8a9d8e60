/**
 * Sandbox benchmark: step latency per engine, pooled session creation, throughput with concurrent
 * sessions, against the floor (`new Function` in the host) and the usual baseline (one `node -e`
 * child process per cell).
 */
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { ENGINE_NAMES } from "./engines.ts";
import { createSandbox } from "./session.ts";
import type { EngineName } from "./types.ts";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const TRIVIAL_CELL = "let n = 1 + 1; n";
const run = promisify(execFile);

export async function benchSandbox(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const quick = opts.quick === true;
  const rows: BenchRow[] = [];
  const floorUs = benchFloor(quick ? 20_000 : 200_000);
  rows.push({ name: "host new Function (floor)", value: round(floorUs, 3), unit: "µs/cell" });
  const childMs = await benchChildProcess(quick ? 5 : 20);
  rows.push({
    name: "node -e child process per cell (baseline) p50",
    value: round(childMs, 2),
    unit: "ms/cell",
  });
  for (const engine of ENGINE_NAMES) {
    try {
      rows.push(...(await benchEngine(engine, quick, childMs)));
    } catch (err) {
      rows.push({ name: `${engine}: failed`, value: Number.NaN, unit: "", note: String(err) });
    }
  }
  return rows;
}

async function benchEngine(engine: EngineName, quick: boolean, childMs: number): Promise<BenchRow[]> {
  const steps = quick ? 300 : 3000;
  const creates = quick ? 20 : 100;
  const sessions = 8;
  const cellsPerSession = quick ? 50 : 400;
  const latency = await stepLatency(engine, steps);
  const create = await createLatency(engine, creates, 25);
  const burst = await createLatency(engine, creates, 0);
  const throughput = await concurrentThroughput(engine, sessions, cellsPerSession);
  const rows: BenchRow[] = [
    {
      name: `${engine}: warm trivial step p50`,
      value: round(latency.p50, 4),
      unit: "ms",
      note: "incl. transpile cache, rewrite, engine hop",
    },
    { name: `${engine}: warm trivial step p99`, value: round(latency.p99, 4), unit: "ms" },
    {
      name: `${engine}: session create p50 (pooled)`,
      value: round(create, 4),
      unit: "ms",
      note: "pool refilled",
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
      value: round(childMs / latency.p50, 1),
      unit: "x",
      note: "target >= 100x",
    },
  ];
  if (engine === "isolated-vm") {
    rows.push(
      { name: "isolated-vm: step p50 target < 0.2 ms", value: latency.p50 < 0.2 ? 1 : 0, unit: "met" },
      { name: "isolated-vm: pooled create target < 1 ms", value: create < 1 ? 1 : 0, unit: "met" },
    );
  }
  return rows;
}

async function stepLatency(engine: EngineName, steps: number): Promise<{ p50: number; p99: number }> {
  const sandbox = await createSandbox({ engine });
  try {
    for (let i = 0; i < 20; i++) await sandbox.run(TRIVIAL_CELL);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const r = await sandbox.run(TRIVIAL_CELL);
      times.push(performance.now() - t0);
      if (!r.ok) throw new Error(`trivial cell failed: ${r.error?.message}`);
    }
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  } finally {
    await sandbox.dispose();
  }
}

/** `idleMs` between creations lets the engine refill its pool of warm sessions. */
async function createLatency(engine: EngineName, n: number, idleMs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
    const t0 = performance.now();
    const sandbox = await createSandbox({ engine });
    times.push(performance.now() - t0);
    await sandbox.dispose();
  }
  return percentile(times, 0.5);
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
