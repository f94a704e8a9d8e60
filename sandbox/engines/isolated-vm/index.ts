/**
 * The isolated-vm engine (native addon: import this subpath only when you want it). Sessions are
 * V8 isolates hosted in a pool of killable child processes. May import ../contract.ts,
 * ../lost-runs.ts, ../fault.ts and errors/ only.
 */
import type { Engine } from "../contract.ts";
import { IsolatedVmEngine, type IsolatedVmEngineOptions } from "./engine.ts";

export type { ChildStats as IsolatedVmWorkerStats } from "./protocol.ts";
export { IsolatedVmEngine, type IsolatedVmEngineOptions };

/**
 * Starts `workers` host processes (default: one per core). Options:
 * - spareSessionsPerWorker: isolates kept warm per process with the prelude evaluated (default 2);
 *   once a session config repeats, that many are also installed with it ahead of time
 * - watchdogGraceMs: how long past a cell's timeout a silent process is given before SIGKILL (default 1000)
 */
export function createIsolatedVmEngine(options?: IsolatedVmEngineOptions): IsolatedVmEngine & Engine {
  return new IsolatedVmEngine(options);
}
