/**
 * Server benchmark entry: the load generator (bench-load.ts) with 1, 16 and 128 sessions, or the
 * full run (`bench --server`: also 1,024 sessions and one core vs two), and the per-layer costs of
 * one step (bench-layers.ts).
 */
import type { EngineName } from "../../sandbox/index.ts";
import { benchLoad } from "./bench-load.ts";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export function benchServer(
  opts: { quick?: boolean; full?: boolean; engine?: EngineName } = {},
): Promise<BenchRow[]> {
  return benchLoad(opts);
}
