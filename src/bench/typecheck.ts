/**
 * Type-check benchmark: what `typecheck: "report"` adds to a step. The checker of one episode
 * checks small TS cells one after another (each records into the growing program, as in an
 * episode); the first check pays the compiler's load and the lib files' parse, later ones only the
 * new cell. Target: <= 20 ms p50 per small cell after the first.
 */

import { CellTypeChecker } from "../env/index.ts";
import type { BenchRow } from "./row.ts";

/** A small agent cell: typed declarations that later cells use. */
function cell(i: number): string {
  const prev = i === 0 ? "0" : `total${i - 1}`;
  return `interface Item${i} { id: number; name: string }\nconst items${i}: Item${i}[] = [{ id: ${i}, name: "n" }];\nconst total${i}: number = items${i}.reduce((s, it) => s + it.id, ${prev});\ntotal${i}`;
}

export async function benchTypecheck(opts: { quick?: boolean } = {}): Promise<BenchRow[]> {
  const cells = opts.quick ? 40 : 200;
  const t0 = performance.now();
  const checker = await CellTypeChecker.create(
    "declare function read_file(args: { path: string }): Promise<unknown>;",
  );
  const first = cell(0);
  checker.check(first);
  const firstMs = performance.now() - t0;
  checker.record({ code: first, language: "ts" });
  const times: number[] = [];
  for (let i = 1; i < cells; i++) {
    const code = cell(i);
    const t = performance.now();
    const diagnostics = checker.check(code);
    times.push(performance.now() - t);
    if (diagnostics.length > 0)
      throw new Error(`bench cell ${i} has type errors: ${diagnostics[0]?.message}`);
    checker.record({ code, language: "ts" });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  const last = times.slice(-20).sort((a, b) => a - b);
  return [
    {
      name: "typecheck: first cell of a process (load compiler, parse libs)",
      value: round(firstMs),
      unit: "ms",
    },
    {
      name: "typecheck: small cell after the first, p50",
      value: at(0.5),
      unit: "ms",
      note: `${cells - 1} cells of one episode; target <= 20 ms`,
    },
    { name: "typecheck: small cell after the first, p99", value: at(0.99), unit: "ms" },
    {
      name: `typecheck: cell ${cells - 20}-${cells} of the episode, p50`,
      value: round(last[Math.floor(last.length / 2)] ?? Number.NaN),
      unit: "ms",
      note: "the cost as the program grows",
    },
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
