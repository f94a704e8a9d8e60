/**
 * Messages between the QuickJS engine (main thread) and its worker threads, plus the sizing
 * constants both sides share. Everything here is structured-clone data.
 */
import type { CellRequest, EngineSessionConfig, RawCellResult } from "../contract.ts";

export type ToWorker =
  /** cancel: the session's flag (shared memory), raised by the host when it disposes the session. */
  | { t: "create"; sid: number; config: EngineSessionConfig; cancel: Int32Array }
  | { t: "run"; sid: number; rid: number; request: CellRequest }
  | { t: "toolResult"; sid: number; callId: number; resultJson: string }
  | { t: "dispose"; sid: number };

export type FromWorker =
  | { t: "created"; sid: number; error?: string }
  /** Sent when the worker dequeues a run: the cell's wall clock starts here. */
  | { t: "started"; rid: number }
  | { t: "toolCall"; sid: number; callId: number; name: string; argsJson: string }
  | { t: "result"; rid: number; result: RawCellResult };

/** workerData of an engine worker. */
export interface WorkerInit {
  /** Slot 0: the rid of the run whose VM code the worker is executing now, else 0 (budget.ts). */
  activity: Int32Array;
}

/**
 * The QuickJS build reserves a 5 MiB C stack at the bottom of linear memory (the initial
 * `__stack_pointer` is ~5.09 MiB). QuickJS's own limit must stay below it, or deep recursion
 * overwrites static data instead of throwing "stack overflow".
 */
export const QJS_STACK_CAP_BYTES = 4_500_000;
/** Static data + C stack at the bottom of linear memory, before the malloc heap. */
const STATIC_BYTES = 5_400_000;
const PAGE_BYTES = 65_536;
/** The emscripten module declares 256 pages as the minimum size of its imported memory. */
export const INITIAL_PAGES = 256;

/**
 * QuickJS counts only its shadow stack (in linear memory); the wasm frames live on the thread's
 * native stack and use 2x (recursion) to 16x (JSON.parse) as much. Measured: a 4 MB QuickJS limit
 * needs 8 MB native for recursion and ~64 MB for deep JSON. Thread stacks are committed lazily,
 * so a generous reservation costs address space, not memory.
 */
export const WORKER_STACK_MB = 256;

/**
 * Fixed ceiling of one instance's linear memory. QuickJS's own accounting (setMemoryLimit) stops
 * most allocations first; this ceiling is the backstop for what escapes it (allocator overhead,
 * fragmentation, big buffers).
 */
export function maxMemoryPages(memoryLimitBytes: number): number {
  const bytes = memoryCeilingBytes(memoryLimitBytes) + 4 * 1024 * 1024;
  return Math.max(INITIAL_PAGES, Math.ceil(bytes / PAGE_BYTES));
}

/**
 * Linear memory grown past this means the heap outgrew the limit even where QuickJS's accounting
 * missed it: the cell is charged with "memory" (the allocator may have failed mid-operation).
 */
export function memoryCeilingBytes(memoryLimitBytes: number): number {
  return STATIC_BYTES + Math.ceil(memoryLimitBytes * 1.25);
}
