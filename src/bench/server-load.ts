/**
 * The load generator (`bench --server`, and the short `server` part of every bench run): a server
 * in its own process, driven over /ws by separate load processes, so neither the client's cost
 * nor its limits are charged to the server. Per level of concurrent sessions: steps/s, p50, p99,
 * errors, and the CPU share of the load processes and of the server's process tree beside it.
 * The full run adds 1,024 sessions held open (memory per idle session, then all of them served)
 * and the same load with the server pinned to one core and to two (taskset).
 */
import { availableParallelism } from "node:os";
import type { EngineName } from "../../sandbox/index.ts";
import { summary } from "./layers.ts";
import { LoadGroup, machineBusyMs, type ProcessSample, ServerProcess, split } from "./load.ts";
import type { BenchRow } from "./row.ts";

const CELL = "const x = 1 + 1; console.log(x)";
/** Sessions each load process drives at most (a few processes, so the load is never one loop). */
const SESSIONS_PER_PROCESS = 64;
const MAX_LOAD_PROCESSES = 4;

export interface LoadBenchOptions {
  quick?: boolean;
  engine?: EngineName;
  /** The full run: 1, 16, 128 and 1,024 sessions, then the one-core/two-core comparison. */
  full?: boolean;
}

export async function benchLoad(opts: LoadBenchOptions = {}): Promise<BenchRow[]> {
  const engine = opts.engine ?? "isolated-vm";
  const durationMs = opts.quick ? 1500 : 5000;
  const rows: BenchRow[] = [];
  const server = await ServerProcess.start({ engine, maxSessions: 1100 });
  try {
    for (const sessions of [1, 16, 128]) {
      rows.push(...(await level(server, { sessions, durationMs, engine, tag: "" })));
    }
    if (opts.full) rows.push(...(await idleThenServe(server, 1024, durationMs, engine)));
  } finally {
    const end = await server.close();
    rows.push(leftoverRow(end));
  }
  if (opts.full) rows.push(...(await coresRatio(engine, durationMs)));
  return rows;
}

interface Level {
  sessions: number;
  durationMs: number;
  engine: EngineName;
  /** Distinguishes rows of the same level (", 1 core"). */
  tag: string;
}

interface Measured {
  stepsPerS: number;
  p50: number;
  p99: number;
  errors: number;
  firstError: string | undefined;
  loadCpuShare: number;
  serverCpuShare: number;
  /** The server process alone (its event loop), without the sandbox processes below it. */
  mainCpuShare: number;
  machineShare: number;
}

/** One load process per count, each stepping that many sessions with the trivial cell. */
function stepJobs(server: ServerProcess, counts: number[]) {
  return counts.map((n) => ({
    mode: "steps" as const,
    url: server.url,
    sessions: n,
    cell: CELL,
    language: "js" as const,
    connectBatch: 32,
  }));
}

async function measure(server: ServerProcess, sessions: number, durationMs: number): Promise<Measured> {
  const jobs = stepJobs(
    server,
    split(sessions, Math.min(MAX_LOAD_PROCESSES, Math.ceil(sessions / SESSIONS_PER_PROCESS))),
  );
  const load = new LoadGroup(jobs);
  try {
    const ready = await load.ready();
    const openErrors = ready.reduce((a, r) => a + r.errors, 0);
    const before = {
      tree: cpuOf(server.tree()),
      main: mainCpu(server),
      busy: machineBusyMs(),
      t: performance.now(),
    };
    load.go({ durationMs });
    const results = await load.results();
    const wallMs = performance.now() - before.t;
    const capacityMs = wallMs * availableParallelism();
    const latencies = results.flatMap((r) => r.latenciesMs);
    const { p50, p99 } = summary(latencies);
    const loadCpuMs = results.reduce((a, r) => a + r.cpuMs, 0);
    return {
      stepsPerS: latencies.length / (Math.max(...results.map((r) => r.wallMs)) / 1000),
      p50,
      p99,
      errors: openErrors + results.reduce((a, r) => a + r.errors, 0),
      firstError: [...ready, ...results].find((r) => r.firstError !== undefined)?.firstError,
      loadCpuShare: loadCpuMs / capacityMs,
      serverCpuShare: (cpuOf(server.tree()) - before.tree) / capacityMs,
      mainCpuShare: (mainCpu(server) - before.main) / capacityMs,
      machineShare: (machineBusyMs() - before.busy) / capacityMs,
    };
  } finally {
    await load[Symbol.asyncDispose]();
  }
}

async function level(server: ServerProcess, l: Level): Promise<BenchRow[]> {
  const m = await measure(server, l.sessions, l.durationMs);
  const name = `load ${l.sessions} session(s)${l.tag}`;
  const note = `${l.engine}, trivial JS cell, ${l.durationMs / 1000} s; CPU: load processes ${pct(m.loadCpuShare)}, server tree ${pct(m.serverCpuShare)} (its main process ${pct(m.mainCpuShare)}), whole machine ${pct(m.machineShare)} of ${availableParallelism()} cores`;
  return [
    { name: `${name}: steps/s`, value: Math.round(m.stepsPerS), unit: "steps/s", note },
    { name: `${name}: step p50`, value: round(m.p50), unit: "ms" },
    { name: `${name}: step p99`, value: round(m.p99), unit: "ms" },
    {
      name: `${name}: errors`,
      value: m.errors,
      unit: "",
      ...(m.firstError === undefined ? {} : { note: `first: ${m.firstError.slice(0, 160)}` }),
    },
  ];
}

/** N sessions opened and left idle (memory per idle session), then all of them stepping. */
async function idleThenServe(
  server: ServerProcess,
  sessions: number,
  durationMs: number,
  engine: EngineName,
) {
  const jobs = stepJobs(server, split(sessions, MAX_LOAD_PROCESSES));
  const baseline = rssOf(server.tree());
  const load = new LoadGroup(jobs);
  try {
    const ready = await load.ready();
    const opened = ready.reduce((a, r) => a + r.opened, 0);
    const openErrors = ready.reduce((a, r) => a + r.errors, 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const held = rssOf(server.tree());
    const stats = await server.stats();
    load.go({ durationMs });
    const results = await load.results();
    const latencies = results.flatMap((r) => r.latenciesMs);
    const { p50, p99 } = summary(latencies);
    const errors = openErrors + results.reduce((a, r) => a + r.errors, 0);
    const first = [...ready, ...results].find((r) => r.firstError !== undefined)?.firstError;
    const wallS = Math.max(...results.map((r) => r.wallMs)) / 1000;
    const name = `load ${sessions} sessions`;
    return [
      {
        name: `${name}: held open`,
        value: opened,
        unit: "sessions",
        note: `${stats.sessions} server sessions, ${stats.liveSandboxes} live sandboxes, each reset and stepped once`,
      },
      {
        name: `${name}: memory per idle session`,
        value: round((held - baseline) / Math.max(1, opened) / 1024 / 1024),
        unit: "MiB",
        note: `RSS of the server and its sandbox processes ${mib(baseline)} -> ${mib(held)} MiB (${engine})`,
      },
      {
        name: `${name}: steps/s, all stepping`,
        value: Math.round(latencies.length / wallS),
        unit: "steps/s",
      },
      { name: `${name}: step p50`, value: round(p50), unit: "ms" },
      { name: `${name}: step p99`, value: round(p99), unit: "ms" },
      {
        name: `${name}: errors`,
        value: errors,
        unit: "",
        ...(first === undefined ? {} : { note: `first: ${first.slice(0, 160)}` }),
      },
    ];
  } finally {
    await load[Symbol.asyncDispose]();
  }
}

/** 128 sessions against a server pinned to one core, then to two: does the server use both? */
async function coresRatio(engine: EngineName, durationMs: number): Promise<BenchRow[]> {
  const cores = availableParallelism();
  if (cores < 2) return [{ name: "load cores ratio", value: Number.NaN, unit: "", note: "needs 2 cores" }];
  const rates: number[] = [];
  const rows: BenchRow[] = [];
  const configs = [
    { cpus: "0", workers: 1 },
    { cpus: "0,1", workers: 1 },
    { cpus: "0,1", workers: 2 },
  ];
  for (const { cpus, workers } of configs) {
    const server = await ServerProcess.startCli({ engine, maxSessions: 256, cpus, workers });
    try {
      const m = await measure(server, 128, durationMs);
      rates.push(m.stepsPerS);
      rows.push({
        name: `load 128 sessions, server on cpu ${cpus}, ${workers} worker(s): steps/s`,
        value: Math.round(m.stepsPerS),
        unit: "steps/s",
        note: `p50 ${round(m.p50)} ms, errors ${m.errors}; CPU: load ${pct(m.loadCpuShare)}, server tree ${pct(m.serverCpuShare)}, machine ${pct(m.machineShare)}`,
      });
    } finally {
      await server.close();
    }
  }
  for (const [i, label] of [
    [1, "1 worker"],
    [2, "2 workers"],
  ] as const) {
    const ratio = (rates[i] ?? Number.NaN) / (rates[0] ?? Number.NaN);
    rows.push({
      name: `load 128 sessions: two cores (${label}) / one core`,
      value: round(ratio),
      unit: "x",
      note: `target >= 1.8: ${ratio >= 1.8 ? "met" : "NOT met"} (the load processes and the machine's other users share these cores)`,
    });
  }
  return rows;
}

function leftoverRow(end: {
  liveSandboxes: number;
  leftoverProcesses: number;
  leftover: string[];
}): BenchRow {
  return {
    name: "load: left running after the server closed",
    value: end.liveSandboxes + end.leftoverProcesses,
    unit: "",
    note: `${end.liveSandboxes} live sandboxes, ${end.leftoverProcesses} processes ${end.leftover.join(" ")}`,
  };
}

function mainCpu(server: ServerProcess): number {
  return server.tree().find((p) => p.pid === server.child.pid)?.cpuMs ?? 0;
}

function cpuOf(tree: readonly ProcessSample[]): number {
  return tree.reduce((a, p) => a + p.cpuMs, 0);
}

function rssOf(tree: readonly ProcessSample[]): number {
  return tree.reduce((a, p) => a + p.rssBytes, 0);
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
