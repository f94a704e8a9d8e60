/**
 * Child side: the synchronous first slice of a cell.
 *
 * An async call into an isolate costs a hop to ivm's thread pool and one back (measured here:
 * ~0.5 ms of CPU per cell for the begin, poll and heap calls, against ~0.1 ms for the same calls
 * made synchronously on this thread). Most cells are short, so a cell is first run
 * synchronously, for at most SYNC_SLICE_MS: this thread (which serves every session of the
 * process) is blocked no longer than that. A cell that is not done by then has been cut at an
 * arbitrary point, so its context is thrown away: the session rebuilds a fresh one, replays its
 * earlier cells and runs this one as usual (async).
 *
 * That redo is exact only for a session that is deterministic (virtual clock, seeded random) and
 * whose cells' effects are all inside the sandbox. So a session with a real clock never runs
 * synchronously, and tool calls are held while a synchronous call runs: sent to the host when it
 * returns, dropped when it was cut (the redo makes them again). Once a call went out, the
 * session's cells are no longer redoable: from then on they run async (see ChildSession).
 */

import { IVM_TIMEOUT_MESSAGE } from "../protocol.ts";
import { EVALUATED_TO, type Installed, NOT_EVALUATED } from "./isolate.ts";
import { type CellClock, classify, evaluatedOutcome, type Outcome } from "./run.ts";

/** Counted for the process's stats (tests check the redo path is the one they exercise). */
export const syncSlices = { redos: 0 };

/** Longest a synchronous slice may block this process's main thread. */
export const SYNC_SLICE_MS = 40;

/**
 * A session stops running cells synchronously once its cells took this long in all, or once it
 * ran this many: a redo replays them (async, ~0.5 ms more a cell), and the parent's watchdog
 * gives a cell only ~1.2 s beyond its own limit.
 */
export const MAX_SYNC_SESSION_MS = 200;
export const MAX_SYNC_SESSION_CELLS = 256;

/** The slice ran out before the cell ended: the context is unusable, the cell must be redone. */
export const SLICE_EXPIRED = "slice-expired";

/** The cell began and called tools: the caller goes on with the async loop, never cutting it. */
export const CALLED_TOOLS = "called-tools";

/** Tool calls made while a synchronous call runs: sent when it returns, dropped when it was cut. */
export interface HeldCalls {
  hold(): void;
  /** Sends (or, when `cut`, drops) what was held; true when anything was sent. */
  release(cut: boolean): boolean;
}

/**
 * Runs a cell synchronously: its outcome; SLICE_EXPIRED; CALLED_TOOLS; or NOT_EVALUATED (the
 * script did not parse, nothing ran: the async path compiles it to say where).
 */
export function runSyncSlice(
  sb: Installed,
  source: string,
  optionsJson: string,
  filename: string,
  clock: CellClock,
  calls: HeldCalls,
): Outcome | typeof SLICE_EXPIRED | typeof CALLED_TOOLS | typeof NOT_EVALUATED {
  const startMs = performance.now();
  // The slice bounds the whole cell, not each call: a cell polling timers for long is cut too.
  const timeout = () => {
    const sliceLeft = SYNC_SLICE_MS - (performance.now() - startMs);
    if (sliceLeft <= 0) return undefined;
    const budget = clock.budgetMs();
    return { ms: Math.max(1, Math.ceil(Math.min(budget, sliceLeft))), sliceBound: sliceLeft < budget };
  };
  let bound = timeout();
  const call = (method: Installed["pollFinish"], args: unknown[], ms: number): unknown => {
    calls.hold();
    let cut = true;
    try {
      const answer: unknown = method.applySync(undefined, args, { timeout: ms });
      cut = false;
      return answer;
    } catch (error) {
      cut = isCut(error, bound?.sliceBound === true, sb);
      throw error;
    } finally {
      if (calls.release(cut)) sent = true;
    }
  };
  let sent = false;
  try {
    if (bound === undefined) return SLICE_EXPIRED;
    const begun = call(sb.evalBegin, [source, optionsJson, filename], bound.ms);
    if (typeof begun === "string" && begun.startsWith(EVALUATED_TO)) return evaluatedOutcome(begun);
    if (begun === NOT_EVALUATED) return NOT_EVALUATED;
    for (;;) {
      if (sent) return CALLED_TOOLS;
      bound = timeout();
      if (bound === undefined) return SLICE_EXPIRED;
      const state = call(sb.pollFinish, [], bound.ms);
      if (typeof state === "string" && state.startsWith("{")) return { status: "completed", finished: state };
      if (state === "tools") return CALLED_TOOLS;
      if (state !== "timer") throw new Error(`runner.poll() returned ${String(state)}`);
    }
  } catch (error) {
    if (isCut(error, bound?.sliceBound === true, sb)) return SLICE_EXPIRED;
    return classify(error, sb.isolate, clock, "runner_error");
  }
}

/** ivm's timeout ended the call, the slice (not the cell's own budget) being the nearer limit. */
function isCut(error: unknown, sliceBound: boolean, sb: Installed): boolean {
  return (
    sliceBound && error instanceof Error && error.message === IVM_TIMEOUT_MESSAGE && !sb.isolate.isDisposed
  );
}
