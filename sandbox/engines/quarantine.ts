/**
 * Crash attribution. A run that was executing when its worker died on its own (an engine's
 * `RawCellResult.suspect`) is not simply excused as infrastructure: trainers mask infra steps, so
 * a policy that learns to crash its sandbox would turn every failing episode into an uncounted
 * one. Instead the session's cells since its sandbox last started are replayed, in order, into a
 * session of a quarantine engine (its own single worker, hosting nothing else), then the suspect
 * cell itself. If that worker dies during the suspect cell, the cell crashed it: a failure of
 * kind "crash", scored like any other. If it runs to an end, the crash was someone else's (another
 * session in the same process, or the sandbox itself): infra. If the replay itself goes wrong
 * before the suspect cell, nothing can be concluded: infra.
 *
 * Replays are deterministic (seeded random, virtual clock); tool calls are answered from what the
 * tools returned the first time, never by calling them again. Reproductions run one at a time per
 * engine. Blast radius of a crash: the sessions hosted by the dead worker lose their state (their
 * next result says state_lost); on isolated-vm that is the sessions of one process (of one per
 * core), on QuickJS those of one worker thread.
 */

import type { EngineName } from "../types.ts";
import type { CellRequest, Engine, EngineSessionConfig, ToolCallback } from "./contract.ts";

/**
 * Code and tool answers kept for a replay, per session (host memory: a server holds hundreds of
 * sessions). Past this a crashing cell is re-run alone, without the cells before it.
 */
const MAX_HISTORY_BYTES = 16 * 1024 * 1024;

export interface RecordedCell {
  request: CellRequest;
  /** The tool calls the cell made, in order, with the answers they got. */
  tools: Array<{ name: string; argsJson: string; resultJson: string }>;
}

export type Verdict = "crash" | "not_reproduced" | "inconclusive";

/** The cells a session ran since its sandbox last started, for a replay. */
export class CellHistory {
  #cells: RecordedCell[] = [];
  #bytes = 0;
  #overflow = false;
  #current: RecordedCell | undefined;

  /** Starts recording a cell (its tool calls are recorded until the next start). */
  begin(request: CellRequest): RecordedCell {
    const cell: RecordedCell = { request, tools: [] };
    this.#current = cell;
    this.#add(request.code.length);
    return cell;
  }

  /** Wraps the session's tool callback so the current cell's calls are recorded. */
  recording(onTool: ToolCallback): ToolCallback {
    return async (name, argsJson) => {
      const cell = this.#current;
      const resultJson = await onTool(name, argsJson);
      if (cell !== undefined && !this.#overflow) {
        cell.tools.push({ name, argsJson, resultJson });
        this.#add(name.length + argsJson.length + resultJson.length);
      }
      return resultJson;
    };
  }

  /** The cell ended: it joins the history, or, when its sandbox was replaced, the history restarts. */
  end(cell: RecordedCell, stateLost: boolean): void {
    if (this.#current === cell) this.#current = undefined;
    if (stateLost) {
      this.#cells = [];
      this.#bytes = 0;
      this.#overflow = false;
      return;
    }
    this.#cells.push(cell);
  }

  /** The cells before the current one, or undefined when too much was kept to replay them. */
  replayable(): readonly RecordedCell[] | undefined {
    return this.#overflow ? undefined : this.#cells;
  }

  #add(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes > MAX_HISTORY_BYTES) this.#overflow = true;
  }
}

/** A tool callback that answers a replayed cell's calls from its recording, in order. */
function replayTools(cell: RecordedCell): ToolCallback {
  let next = 0;
  return async (name, argsJson) => {
    const recorded = cell.tools[next++];
    if (recorded !== undefined && recorded.name === name && recorded.argsJson === argsJson)
      return recorded.resultJson;
    return JSON.stringify({ ok: false, message: "tools are not available while a crash is reproduced" });
  };
}

const queues = new Map<EngineName, Promise<unknown>>();

/**
 * Replays `history` then `suspect` in a fresh session of `engine` (a quarantine engine) and says
 * whether the suspect cell crashed that session's worker too.
 */
export function reproduce(
  name: EngineName,
  engine: () => Promise<Engine>,
  config: EngineSessionConfig,
  history: readonly RecordedCell[],
  suspect: RecordedCell,
): Promise<Verdict> {
  const run = (queues.get(name) ?? Promise.resolve()).then(() => replay(engine, config, history, suspect));
  queues.set(
    name,
    run.catch(() => undefined),
  );
  return run.catch(() => "inconclusive" as const);
}

async function replay(
  engine: () => Promise<Engine>,
  config: EngineSessionConfig,
  history: readonly RecordedCell[],
  suspect: RecordedCell,
): Promise<Verdict> {
  const cells = [...history, suspect];
  let answer = replayTools(cells[0] as RecordedCell);
  const session = await (await engine()).createSession(config, (name, argsJson) => answer(name, argsJson));
  try {
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i] as RecordedCell;
      answer = replayTools(cell);
      const result = await session.run(cell.request);
      const last = i === cells.length - 1;
      if (result.status === "infra") return last && result.suspect === true ? "crash" : "inconclusive";
      if (!last && result.stateLost) return "inconclusive";
    }
    return "not_reproduced";
  } finally {
    await session.dispose().catch(() => undefined);
  }
}
