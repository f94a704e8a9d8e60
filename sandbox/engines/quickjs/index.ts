/**
 * The QuickJS engine (WebAssembly; no native addon). Sessions are QuickJS instances hosted in a
 * few worker threads. May import ../contract.ts, ../lost-runs.ts, ../fault.ts and errors/ only.
 */
import type { Engine } from "../contract.ts";
import { QuickJsEngine, type QuickJsEngineOptions } from "./engine.ts";

export { QuickJsEngine, type QuickJsEngineOptions };

/**
 * Starts worker threads as sessions need them. Options:
 * - workers: threads at most (default: one per core, at most 4)
 * - watchdogGraceMs: how long past a cell's deadline a silent worker is given before it is
 *   terminated (default 2000)
 */
export function createQuickJsEngine(options?: QuickJsEngineOptions): QuickJsEngine & Engine {
  return new QuickJsEngine(options);
}
