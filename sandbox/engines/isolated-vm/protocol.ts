/**
 * IPC messages between the engine (parent) and a sandbox host process (child). Small JSON objects
 * over Node's IPC channel; the prelude source is sent once per child and then named by a key.
 */
import type { CellRequest, PreludeConfig, RawCellResult } from "../contract.ts";

/**
 * What a child needs to build one session's isolate.
 *
 * `maxStackBytes` is deliberately absent: isolated-vm cannot enforce it per session. Cell code
 * runs in ivm's async calls, on ivm's thread pool, and ivm sets each isolate's V8 stack limit to
 * the stack of the thread running it (its whole size minus 24 KiB of native padding); ivm has no
 * per-isolate stack option, and V8's `--stack-size` is process-wide and, set past a thread's real
 * stack, turns deep recursion into a segfault of the whole process. What bounds deep recursion
 * instead is the pool threads' stack: glibc gives new threads RLIMIT_STACK (8 MiB here), about
 * 100k frames of a small function, for every session alike. Past it the isolate throws an
 * ordinary RangeError (reported as stack_overflow) and stays usable; deep JSON.stringify ends
 * the same way, and V8's JSON.parse is iterative, so deep nesting is bounded by the heap limit
 * (memory) instead. Time and CPU limits bound how long any of it runs.
 */
export interface ChildSessionConfig {
  preludeKey: number;
  preludeConfig: PreludeConfig;
  memoryLimitBytes: number;
}

export type ParentMessage =
  | { t: "prelude"; key: number; source: string }
  | { t: "create"; sid: number; config: ChildSessionConfig }
  | { t: "run"; sid: number; rid: number; req: CellRequest }
  | { t: "toolResult"; sid: number; rid: number; cid: number; json: string }
  | { t: "dispose"; sid: number }
  | { t: "stats"; qid: number };

export interface ChildStats {
  sessions: number;
  spares: number;
  rssBytes: number;
}

export type ChildMessage =
  | { t: "ready" }
  | { t: "created"; sid: number }
  | { t: "createFailed"; sid: number; message: string }
  | { t: "result"; sid: number; rid: number; result: RawCellResult }
  | { t: "toolCall"; sid: number; rid: number; cid: number; name: string; argsJson: string }
  | ({ t: "stats"; qid: number } & ChildStats);

/** Time `runner.finish()` may take after a timeout so the output written so far is kept. */
export const FINISH_BUDGET_MS = 200;

/** ivm's message when its `timeout` option terminated a call. */
export const IVM_TIMEOUT_MESSAGE = "Script execution timed out.";

/** V8/ivm's minimum isolate heap, in MiB. */
export const MIN_MEMORY_LIMIT_MB = 8;

export function memoryLimitMb(bytes: number): number {
  return Math.max(MIN_MEMORY_LIMIT_MB, Math.ceil(bytes / (1024 * 1024)));
}

export { infraResult, WEDGED_TIMEOUT_MESSAGE, wedgedResult } from "../lost-runs.ts";
