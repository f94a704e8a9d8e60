/**
 * `bench --soak N`: N whole episodes (reset, a cell that prints, one that throws, one that calls a
 * host tool, close) through a server in its own process, `lanes` (default 64) at a time from
 * separate load processes. Samples the resident memory of the server process and of every sandbox
 * process below it at 10%, 50% and 100%, then the server's open handles and live sandboxes once
 * every episode closed, and what was still running after the server shut down.
 */
import type { EngineName } from "../../sandbox/index.ts";
import { summary } from "./layers.ts";
import { LoadGroup, type ProcessSample, ServerProcess, type ServerStats, split } from "./load.ts";
import type { BenchRow } from "./row.ts";

export interface SoakOptions {
  episodes: number;
  lanes?: number;
  engine?: EngineName;
}

export interface SoakSample {
  percent: number;
  episodes: number;
  processes: ProcessSample[];
  /** The server's live JS heap after a full collection (a leak grows it; lazy GC does not). */
  heapUsedBytes?: number;
}

export interface SoakReport {
  episodes: number;
  errors: number;
  firstError: string | undefined;
  episodeP50Ms: number;
  episodeP99Ms: number;
  wallS: number;
  samples: SoakSample[];
  /** The server once every episode closed (before it shut down). */
  idle: ServerStats;
  end: { liveSandboxes: number; leftover: string[] };
}

const MARKS = [10, 50];
const MAX_LOAD_PROCESSES = 4;

export async function benchSoak(options: SoakOptions): Promise<SoakReport> {
  const lanes = options.lanes ?? 64;
  const server = await ServerProcess.start({
    engine: options.engine ?? "isolated-vm",
    maxSessions: lanes + 8,
  });
  try {
    const laneShares = split(lanes, MAX_LOAD_PROCESSES);
    const episodeShares = split(options.episodes, laneShares.length);
    const done = new Array<number>(laneShares.length).fill(0);
    const samples: SoakSample[] = [];
    const marks = [...MARKS];
    const started = performance.now();
    const load = new LoadGroup(
      laneShares.map((n, i) => ({
        mode: "soak",
        url: server.url,
        lanes: n,
        episodes: episodeShares[i] ?? 0,
      })),
      (progress, i) => {
        done[i] = progress.episodes;
        const total = done.reduce((a, b) => a + b, 0);
        while (marks.length > 0 && total >= ((marks[0] as number) / 100) * options.episodes) {
          const sample: SoakSample = {
            percent: marks.shift() as number,
            episodes: total,
            processes: server.tree(),
          };
          samples.push(sample);
          void server.stats().then((s) => {
            sample.heapUsedBytes = s.heapUsedBytes;
          });
        }
      },
    );
    let results: Awaited<ReturnType<LoadGroup["results"]>>;
    try {
      results = await load.results();
    } finally {
      await load[Symbol.asyncDispose]();
    }
    const wallS = (performance.now() - started) / 1000;
    const episodes = results.reduce((a, r) => a + r.steps, 0);
    samples.push({
      percent: 100,
      episodes,
      processes: server.tree(),
      heapUsedBytes: (await server.stats()).heapUsedBytes,
    });
    // Sessions end a moment after their sockets close: wait for the server to see every close.
    let idle = await server.stats();
    for (let i = 0; i < 50 && (idle.sessions > 0 || idle.liveSandboxes > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      idle = await server.stats();
    }
    const { p50, p99 } = summary(results.flatMap((r) => r.latenciesMs));
    const end = await server.close();
    return {
      episodes,
      errors: results.reduce((a, r) => a + r.errors, 0),
      firstError: results.find((r) => r.firstError !== undefined)?.firstError,
      episodeP50Ms: p50,
      episodeP99Ms: p99,
      wallS,
      samples,
      idle,
      end: { liveSandboxes: end.liveSandboxes, leftover: end.leftover },
    };
  } finally {
    await server[Symbol.asyncDispose]();
  }
}

/** The soak report as bench rows. */
export function soakRows(report: SoakReport): BenchRow[] {
  const rss = (s: SoakSample | undefined, main: boolean) =>
    (s?.processes ?? []).filter((_p, i) => (i === 0) === main).reduce((a, p) => a + p.rssBytes, 0);
  const first = report.samples.find((s) => s.percent === 10) ?? report.samples[0];
  const last = report.samples.at(-1);
  const rows: BenchRow[] = [
    {
      name: `soak: episodes run`,
      value: report.episodes,
      unit: "",
      note: `${Math.round(report.episodes / report.wallS)} episodes/s; episode p50 ${round(report.episodeP50Ms)} ms, p99 ${round(report.episodeP99Ms)} ms`,
    },
    {
      name: "soak: errors",
      value: report.errors,
      unit: "",
      ...(report.firstError === undefined ? {} : { note: `first: ${report.firstError.slice(0, 160)}` }),
    },
  ];
  for (const sample of report.samples) {
    const [main, ...sandboxes] = sample.processes;
    rows.push({
      name: `soak: RSS at ${sample.percent}% (${sample.episodes} episodes)`,
      value: mib(sample.processes.reduce((a, p) => a + p.rssBytes, 0)),
      unit: "MiB",
      note: `server ${mib(main?.rssBytes ?? 0)} MiB (live heap ${mib(sample.heapUsedBytes ?? Number.NaN)} MiB); sandbox processes ${sandboxes.map((p) => `${p.name}:${mib(p.rssBytes)}`).join(" ")}`,
    });
  }
  for (const [label, main] of [
    ["server process", true],
    ["sandbox processes", false],
  ] as const) {
    const growth = (rss(last, main) - rss(first, main)) / Math.max(1, rss(first, main));
    rows.push({
      name: `soak: RSS growth of the ${label} after the first 10%`,
      value: Math.round(growth * 1000) / 10,
      unit: "%",
      note: `target < 10%: ${growth < 0.1 ? "met" : "NOT met"}`,
    });
  }
  const handles = Object.entries(report.idle.handles)
    .map(([k, v]) => `${k}:${v}`)
    .join(" ");
  rows.push(
    {
      name: "soak: sessions / live sandboxes once all episodes closed",
      value: report.idle.sessions + report.idle.liveSandboxes,
      unit: "",
      note: `${report.idle.sessions} sessions, ${report.idle.liveSandboxes} live sandboxes; open handles ${handles}`,
    },
    {
      name: "soak: left running after the server closed",
      value: report.end.liveSandboxes + report.end.leftover.length,
      unit: "",
      note: `${report.end.liveSandboxes} live sandboxes, processes: ${report.end.leftover.join(" ") || "none"}`,
    },
  );
  return rows;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
