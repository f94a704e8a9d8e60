/**
 * IPC messages between the engine (parent) and a sandbox host process (child). Small JSON objects
 * over Node's IPC channel; the prelude source is sent once per child and then named by a key.
 */
import type { CellRequest, PreludeConfig, RawCellResult } from "../../engine.ts";

/** What a child needs to build one session's isolate (maxStackBytes is per process, not here). */
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
