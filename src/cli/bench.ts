/**
 * `codeact-env bench` (`npm run bench`): every performance figure of the project, measured in one
 * run on this machine, with the baselines they are compared against. Printed, never asserted.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CodeActError } from "../../errors/index.ts";
import {
  type BenchRow,
  benchFork,
  benchGradeHttp,
  benchGrader,
  benchLayers,
  benchSandbox,
  benchServer,
  benchSoak,
  benchTypecheck,
  soakRows,
} from "../bench/index.ts";

export const BENCH_HELP = `codeact-env bench — measure the sandbox, the grader and the server on this machine

Usage:
  codeact-env bench [--quick] [--only sandbox,layers,grader,server,fork,batch,typecheck] [--suites-dir ../shared/suites] [--json]
  codeact-env bench --server [--quick]     the load generator's full run (long; not part of the default run)
  codeact-env bench --soak N [--lanes 64]  N whole episodes through the server (long)

Sandbox: trivial-cell step latency p50/p99 per engine, session create, cells/s with concurrent
sessions, against new Function in the host (the floor) and one node -e process per cell.
Layers: per engine and language (JS, TS), the engine step, the in-process environment step and the
/ws round trip (client in another process), so each layer's cost is a subtraction.
Grader: HumanEval-X JS references graded by the pool of each engine vs one node process per sample
(same concurrency), and empty samples graded by the pool (the fixed cost of a sample).
Server: the load generator: a server in its own process driven over /ws by separate load processes,
with 1, 16 and 128 sessions: steps/s, p50, p99, errors, and the CPU share of the load processes, the
server's process tree and its main process. --server adds 1,024 sessions held open (memory per
idle session, then all of them stepping) and the server pinned to one core vs two (taskset).
Soak (--soak N): N episodes (reset, a printing cell, a throwing cell, a tool-calling cell, close),
--lanes at a time: RSS of the server and each sandbox process at 10/50/100%, growth after the first
10%, open handles and live sandboxes once all closed, processes left after shutdown.
Fork: CodeActEnv.fork(N) per child for 1, 10 and 50 cells of history and N = 1, 8, 64 (isolated-vm).
Batch: HumanEval-X JS references graded over POST /grade vs in process (eval's grader), same run.
Typecheck: TS type diagnostics (typecheck "report") per small cell of one episode, p50/p99.`;

const PARTS = ["sandbox", "layers", "grader", "server", "fork", "batch", "typecheck"] as const;

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", default: PARTS.join(",") },
      "suites-dir": { type: "string", default: "../shared/suites" },
      json: { type: "boolean", default: false },
      server: { type: "boolean", default: false },
      soak: { type: "string" },
      lanes: { type: "string", default: "64" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${BENCH_HELP}\n`);
    return 0;
  }
  const parts = new Set(values.only.split(",").map((s) => s.trim()));
  const unknown = [...parts].filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    const got = unknown.map((p) => `'${p}'`).join(", ");
    throw new CodeActError("INVALID_ARGUMENT", `--only takes ${PARTS.join(", ")} (got ${got})`);
  }
  const rows: Array<BenchRow & { part: string }> = [];
  const add = (part: string, list: BenchRow[]) => {
    for (const row of list) {
      rows.push({ part, ...row });
      if (!values.json) process.stdout.write(`${formatRow(part, row)}\n`);
    }
  };
  const quick = values.quick;
  if (values.server || values.soak !== undefined) {
    if (values.server) add("server", await benchServer({ quick, full: true }));
    if (values.soak !== undefined) {
      const episodes = positiveInt(values.soak, "--soak");
      add("soak", soakRows(await benchSoak({ episodes, lanes: positiveInt(values.lanes, "--lanes") })));
    }
    if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  if (parts.has("sandbox")) add("sandbox", await benchSandbox({ quick }));
  if (parts.has("layers")) add("layers", await benchLayers({ quick }));
  if (parts.has("grader")) {
    const suitePath = resolve(values["suites-dir"], "humaneval-x-js.jsonl");
    if (existsSync(suitePath)) add("grader", await benchGrader({ suitePath, quick }));
    else process.stderr.write(`bench: grader skipped: ${suitePath} not found (see --suites-dir)\n`);
  }
  if (parts.has("server")) add("server", await benchServer({ quick }));
  if (parts.has("fork")) add("fork", await benchFork({ quick }));
  if (parts.has("batch")) {
    const suitePath = resolve(values["suites-dir"], "humaneval-x-js.jsonl");
    if (existsSync(suitePath)) add("batch", await benchGradeHttp({ suitePath, quick }));
    else process.stderr.write(`bench: batch skipped: ${suitePath} not found (see --suites-dir)\n`);
  }
  if (parts.has("typecheck")) add("typecheck", await benchTypecheck({ quick }));
  if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  return 0;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new CodeActError("INVALID_ARGUMENT", `${flag} takes a whole number >= 1 (got '${text}')`);
  }
  return n;
}

function formatRow(part: string, row: BenchRow): string {
  const value =
    row.value >= 100
      ? row.value.toFixed(0)
      : row.value >= 1
        ? row.value.toFixed(2)
        : row.value.toPrecision(3);
  return `${part.padEnd(8)} ${row.name.padEnd(56)} ${value.padStart(10)} ${row.unit.padEnd(6)}${row.note ? `  ${row.note}` : ""}`;
}
