/**
 * Child side: the synchronous first slice of a grading cell.
 *
 * An async call into an isolate costs a hop to ivm's thread pool and one back (measured here:
 * ~0.5 ms of CPU per cell for the begin, poll and heap calls, against ~0.1 ms for the same calls
 * made synchronously on this thread). Grading cells are short and there are two per sample, so
 * they are first run synchronously, for at most SYNC_SLICE_MS: this thread (which serves every
 * session of the process) is blocked no longer than that. A cell that is not done by then has
 * been cut at an arbitrary point, so its context is thrown away: the session rebuilds a fresh
 * one, replays its earlier cells and runs this one as usual (async). That is exact only because
 * such a session is deterministic (virtual clock, seeded random) and calls no tools, which is
 * when the session uses this path (see ChildSession).
 */
import { EVALUATED_TO, type Installed, NOT_EVALUATED } from "./child-isolate.ts";
import { type CellClock, classify, evaluatedOutcome, type Outcome } from "./child-run.ts";
import { IVM_TIMEOUT_MESSAGE } from "./protocol.ts";

/** Counted for the process's stats (tests check the redo path is the one they exercise). */
export const syncSlices = { redos: 0 };

/** Longest a synchronous slice may block this process's main thread. */
export const SYNC_SLICE_MS = 40;

/**
 * A session stops running cells synchronously once its cells took this long in all: a redo
 * replays them (async), and the parent's watchdog gives a cell only ~1 s beyond its own limit.
 */
export const MAX_SYNC_SESSION_MS = 200;

/** The slice ran out before the cell ended: the context is unusable, the cell must be redone. */
export const SLICE_EXPIRED = "slice-expired";

/** The cell began and waits for tool results: the caller goes on with the async loop. */
export const WAITS_FOR_TOOLS = "tools";

/**
 * Runs a cell synchronously: its outcome; SLICE_EXPIRED; WAITS_FOR_TOOLS; or NOT_EVALUATED (the
 * script did not parse, nothing ran: the async path compiles it to say where).
 */
export function runSyncSlice(
  sb: Installed,
  source: string,
  optionsJson: string,
  filename: string,
  clock: CellClock,
): Outcome | typeof SLICE_EXPIRED | typeof WAITS_FOR_TOOLS | typeof NOT_EVALUATED {
  const startMs = performance.now();
  // The slice bounds the whole cell, not each call: a cell polling timers for long is cut too.
  const timeout = () => {
    const sliceLeft = SYNC_SLICE_MS - (performance.now() - startMs);
    if (sliceLeft <= 0) return undefined;
    const budget = clock.budgetMs();
    return { ms: Math.max(1, Math.ceil(Math.min(budget, sliceLeft))), sliceBound: sliceLeft < budget };
  };
  let bound = timeout();
  try {
    if (bound === undefined) return SLICE_EXPIRED;
    const begun: unknown = sb.evalBegin.applySync(undefined, [source, optionsJson, filename], {
      timeout: bound.ms,
    });
    if (typeof begun === "string" && begun.startsWith(EVALUATED_TO)) return evaluatedOutcome(begun);
    if (begun === NOT_EVALUATED) return NOT_EVALUATED;
    for (;;) {
      bound = timeout();
      if (bound === undefined) return SLICE_EXPIRED;
      const state: unknown = sb.pollFinish.applySync(undefined, [], { timeout: bound.ms });
      if (typeof state === "string" && state.startsWith("{")) return { status: "completed", finished: state };
      if (state === WAITS_FOR_TOOLS) return WAITS_FOR_TOOLS;
      if (state !== "timer") throw new Error(`runner.poll() returned ${String(state)}`);
    }
  } catch (error) {
    const cut = error instanceof Error && error.message === IVM_TIMEOUT_MESSAGE && bound?.sliceBound === true;
    return cut && !sb.isolate.isDisposed ? SLICE_EXPIRED : classify(error, sb.isolate, clock, "runner_error");
  }
}
