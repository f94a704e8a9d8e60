/**
 * Server benchmark entry: the load generator (server-load.ts) with 1, 16 and 128 sessions, or the
 * full run (`bench --server`: also 1,024 sessions and one core vs two), and the per-layer costs of
 * one step (layers.ts).
 */
import type { EngineName } from "../../sandbox/index.ts";
import type { BenchRow } from "./row.ts";
import { benchLoad } from "./server-load.ts";

export function benchServer(
  opts: { quick?: boolean; full?: boolean; engine?: EngineName } = {},
): Promise<BenchRow[]> {
  return benchLoad(opts);
}
