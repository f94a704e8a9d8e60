/**
 * The cost of each layer of one step, per engine and language, in one run: the sandbox step
 * (`sandbox.run`), the in-process environment step (`env.step`: validation, episode bookkeeping,
 * rubric) and the `/ws` round trip seen by a client in another process (frame parse, session
 * queue, JSON both ways, loopback TCP). Each layer's cost is a subtraction of two rows. Layers
 * are measured in alternating blocks so that all see the same load on a shared machine.
 */

import { WebSocketServer } from "ws";
import {
  createSandbox,
  ENGINE_NAMES,
  type EngineName,
  type Language,
  shutdownEngines,
} from "../../sandbox/index.ts";
import { CodeActEnv } from "../env/index.ts";
import { createServer } from "../server/index.ts";
import { LoadGroup } from "./load.ts";
import type { BenchRow } from "./row.ts";

/** The trivial cells (what a trainer's turn costs at the least). */
const CELLS: Record<Language, string> = {
  js: "const x = 1 + 1; console.log(x)",
  ts: "const x: number = 1 + 1; console.log(x)",
};
/** What `/ws` may add over the engine step (p50), per language. */
const WS_TARGET_MS: Record<Language, number> = { js: 0.1, ts: 0.2 };
const BLOCKS = 3;

export async function benchLayers(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const steps = opts.quick ? 200 : 1000;
  const rows: BenchRow[] = [await echoFloor(steps)];
  try {
    for (const engine of ENGINE_NAMES) {
      for (const language of ["js", "ts"] as const) rows.push(...(await layerRows(engine, language, steps)));
    }
  } finally {
    await shutdownEngines();
  }
  return rows;
}

async function layerRows(engine: EngineName, language: Language, steps: number): Promise<BenchRow[]> {
  const code = CELLS[language];
  const perBlock = Math.ceil(steps / BLOCKS);
  const sandbox = await createSandbox({ engine });
  const env = new CodeActEnv({ engine, maxSteps: Number.MAX_SAFE_INTEGER });
  const server = createServer({
    port: 0,
    createEnv: () => new CodeActEnv({ engine, maxSteps: Number.MAX_SAFE_INTEGER }),
    logLevel: "silent",
    maxSessions: 4,
  });
  const { url } = await server.start();
  const times = { engine: [] as number[], env: [] as number[], ws: [] as number[] };
  try {
    await env.reset({});
    const engineStep = async () => {
      const r = await sandbox.run(code, { language });
      if (!r.ok) throw new Error(`bench cell failed: ${r.error?.message}`);
    };
    const envStep = async () => {
      const r = await env.step({ code, language });
      if ((r.observation as { exit_code?: number }).exit_code !== 0)
        throw new Error("bench cell failed in the environment");
    };
    for (let i = 0; i < 200; i++) {
      await engineStep();
      await envStep();
    }
    for (let b = 0; b < BLOCKS; b++) {
      times.engine.push(...(await timed(engineStep, perBlock)));
      times.env.push(...(await timed(envStep, perBlock)));
      times.ws.push(...(await wsBlock(url, engine, code, language, perBlock)));
    }
  } finally {
    await server.close();
    await env.close();
    await sandbox.dispose();
  }
  const [e, v, w] = [summary(times.engine), summary(times.env), summary(times.ws)];
  const tag = `layers ${engine} ${language}`;
  const target = WS_TARGET_MS[language];
  return [
    {
      name: `${tag}: engine step p50`,
      value: round(e.p50),
      unit: "ms",
      note: `sandbox.run, p99 ${round(e.p99)} ms`,
    },
    {
      name: `${tag}: env step p50`,
      value: round(v.p50),
      unit: "ms",
      note: `env.step in process: +${round(v.p50 - e.p50)} ms over the engine step; p99 ${round(v.p99)} ms`,
    },
    {
      name: `${tag}: /ws round trip p50`,
      value: round(w.p50),
      unit: "ms",
      note: `client in another process: +${round(w.p50 - e.p50)} ms over the engine step (target <= ${target}: ${w.p50 - e.p50 <= target ? "met" : "NOT met"}), +${round(w.p50 - v.p50)} over env.step; p99 ${round(w.p99)} ms`,
    },
  ];
}

/**
 * A bare `ws` server that answers each frame with a fixed observation: the round trip no server
 * can beat on this machine (two process wake-ups over loopback), the floor of the /ws rows.
 */
async function echoFloor(steps: number): Promise<BenchRow> {
  const reply = JSON.stringify({
    type: "observation",
    data: { observation: { stdout: "2\n", stderr: "", exit_code: 0 }, reward: 1, done: false },
  });
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/ws" });
  wss.on("connection", (ws) =>
    ws.on("message", (data) => (String(data).includes('"close"') ? ws.close(1000) : ws.send(reply))),
  );
  await new Promise((resolve) => wss.once("listening", resolve));
  const { port } = wss.address() as { port: number };
  try {
    const times = await wsBlock(`http://127.0.0.1:${port}`, "echo", CELLS.js, "js", steps);
    const s = summary(times);
    return {
      name: "layers: bare ws echo round trip p50 (floor)",
      value: round(s.p50),
      unit: "ms",
      note: `no server, no sandbox: loopback + two wake-ups; p99 ${round(s.p99)} ms`,
    };
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
}

async function wsBlock(url: string, engine: string, cell: string, language: Language, steps: number) {
  // 1 session: the latency a trainer with one environment per rollout feels once per turn.
  const load = new LoadGroup([{ mode: "steps", url, sessions: 1, cell, language, connectBatch: 1 }]);
  try {
    await load.ready();
    // Warm-up inside the block: the session's first steps pay for its sandbox's start.
    load.go({ stepsPerSession: steps + 50 });
    const [result] = await load.results();
    if (result === undefined || result.errors > 0)
      throw new Error(`/ws bench on ${engine} failed: ${result?.firstError ?? "no result"}`);
    return result.latenciesMs.slice(50);
  } finally {
    await load[Symbol.asyncDispose]();
  }
}

async function timed(step: () => Promise<void>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step();
    out.push(performance.now() - t0);
  }
  return out;
}

export function summary(values: readonly number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
