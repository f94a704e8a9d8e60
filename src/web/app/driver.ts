/**
 * Drives the episode over the connection: steps, tool calls, raw frames, resets, the replay of a
 * lost episode, and Stop. Every action goes through withBusy, one at a time, and leaves PageState
 * (hence the controls) consistent.
 */
import { byId, isRecord, str } from "./dom.ts";
import type { CellEditor, Language } from "./editor.ts";
import { type Frames, type History, type HistoryEntry, renderState } from "./episode.ts";
import { allTestsPass } from "./grading.ts";
import { type Busy, canStep, type PageState } from "./lifecycle.ts";
import { renderErrorFrame, renderNote, renderProblem, renderResult, summarize } from "./observation.ts";
import type { RawFrame, RawPanel } from "./raw.ts";
import type { Connection, ServerFrame } from "./socket.ts";
import type { TaskPicker } from "./tasks.ts";
import type { ToolsPanel } from "./tools-panel.ts";

/** An episode that went with its connection: enough to reset into it and replay its steps. */
export interface LostEpisode {
  taskId: string | null;
  seed: number;
  entries: HistoryEntry[];
  /** Replay at once on reconnect (after Stop) instead of offering it. */
  auto: boolean;
}

export interface DriverDeps {
  conn: Connection;
  state: PageState;
  history: History;
  editor: CellEditor;
  raw: RawPanel;
  tools: ToolsPanel;
  picker: TaskPicker;
  update(): void;
  announce(text: string): void;
  currentLanguage(): Language;
  showPrompt(heading: string, prompt: string): void;
}

export type Driver = ReturnType<typeof createDriver>;

export function createDriver(deps: DriverDeps) {
  const { conn, state, history, editor, raw, tools, picker, update, announce, currentLanguage, showPrompt } =
    deps;
  const observationEl = byId("observation");
  const problemEl = byId("problem");
  let lost: LostEpisode | undefined;
  let resetWanted = false;
  let stopped = false;

  /** Sends a frame; error frames and lost connections are shown above the observation (kept). */
  async function send(frame: RawFrame, context: string): Promise<ServerFrame | undefined> {
    // a new step or reset supersedes the last message; a state refresh does not
    if (frame.type !== "state") problemEl.replaceChildren();
    try {
      const reply = await conn.request(frame);
      if (reply.type !== "error") return reply;
      renderErrorFrame(problemEl, reply.data, context);
      if (raw.enabled) raw.show({ request: frame, reply });
      announce(`The server refused the ${context}.`);
    } catch (error) {
      if (stopped) return undefined; // the replay that follows says what happened
      const message = `The ${context} failed: ${error instanceof Error ? error.message : String(error)}`;
      renderProblem(problemEl, message);
      announce(message);
    }
    return undefined;
  }

  async function refreshState(): Promise<void> {
    const reply = await send({ type: "state" }, "state request");
    if (reply?.type !== "state") return;
    renderState(reply.data);
    // The server's word on the episode wins over what the page inferred from observations.
    const e = state.episode;
    const data = isRecord(reply.data) ? reply.data : {};
    if (e && typeof data.step_count === "number") e.steps = data.step_count;
    if (e && typeof data.done === "boolean") e.done = data.done;
    update();
  }

  async function withBusy(kind: Exclude<Busy, undefined>, work: () => Promise<void>): Promise<void> {
    if (state.busy !== undefined) return;
    state.busy = kind;
    update();
    observationEl.setAttribute("aria-busy", "true");
    try {
      await work();
    } finally {
      state.busy = undefined;
      stopped = false;
      observationEl.removeAttribute("aria-busy");
      update();
    }
  }

  /** Shows a step's result, adds it to the history and updates what the page knows of the episode. */
  function record(entry: HistoryEntry): void {
    showResult(entry.result, entry.frames);
    announce(`Step ${history.size + 1}: ${summarize(entry.result)}`);
    history.add(entry);
    const e = state.episode;
    if (e !== undefined) {
      const result = isRecord(entry.result) ? entry.result : {};
      const obs = isRecord(result.observation) ? result.observation : {};
      e.steps = history.size;
      e.done = result.done === true;
      e.doneReason = str(obs.done_reason);
      if (isRecord(obs.tests)) e.allPass = allTestsPass(obs);
    }
  }

  function showResult(result: unknown, frames: Frames): void {
    const shown = renderResult(observationEl, result, { goToLine: editor.goToLine });
    editor.markErrorLine(shown.errorLine);
    editor.showDiagnostics(shown.diagnostics);
    raw.show(frames);
  }

  /** Sends a step frame and records it; false when it got no observation. */
  async function step(
    request: RawFrame,
    entry: (result: unknown, frames: Frames) => HistoryEntry,
  ): Promise<boolean> {
    const reply = await send(request, "step");
    if (reply?.type !== "observation") return false;
    record(entry(reply.data, { request, reply }));
    return true;
  }

  /** The page declines an action (no episode, empty cell): a note, not an error. */
  function refuse(why: string): void {
    renderNote(problemEl, why);
    announce(why);
  }

  function runStep(): Promise<void> {
    if (!canStep(state)) {
      refuse(byId("episode-status-text").textContent ?? "No episode to run the cell in.");
      return Promise.resolve();
    }
    const code = editor.getCode();
    if (code.trim() === "") {
      refuse("The cell is empty: write some code first.");
      return Promise.resolve();
    }
    const language = currentLanguage();
    return withBusy("step", async () => {
      editor.markErrorLine(null);
      if (
        await step({ type: "step", data: { code, language } }, (result, frames) => ({
          kind: "code",
          code,
          language,
          result,
          frames,
        }))
      )
        await refreshState();
    });
  }

  function callTool(toolName: string, args: Record<string, unknown>): Promise<void> {
    if (!canStep(state)) return Promise.resolve();
    return withBusy("step", async () => {
      const request = { type: "step", data: { type: "call_tool", tool_name: toolName, arguments: args } };
      if (await step(request, (result, frames) => ({ kind: "tool", toolName, args, result, frames })))
        await refreshState();
    });
  }

  function sendRaw(frame: RawFrame): Promise<void> {
    if (frame.type === "reset") return resetEpisode(isRecord(frame.data) ? frame.data : {});
    if (frame.type === "step" && !canStep(state)) {
      refuse(byId("episode-status-text").textContent ?? "No episode to step.");
      return Promise.resolve();
    }
    return withBusy("step", async () => {
      if (frame.type === "step") {
        if (await step(frame, (result, frames) => ({ kind: "raw", result, frames }))) await refreshState();
        return;
      }
      const reply = await send(frame, `${frame.type} frame`);
      if (reply !== undefined) raw.show({ request: frame, reply });
    });
  }

  function resetData(taskId: string | null, seed: number): Record<string, unknown> {
    return taskId === null ? { seed } : { seed, task_id: taskId };
  }

  /** Starts an episode; `data` overrides what the page would send (the raw view's reset frames). */
  async function startEpisode(data: Record<string, unknown>): Promise<boolean> {
    const request = { type: "reset", data };
    const reply = await send(request, "reset");
    if (reply?.type !== "observation") return false;
    byId("notice").hidden = true;
    lost = undefined;
    history.clear();
    const obs = isRecord(reply.data) && isRecord(reply.data.observation) ? reply.data.observation : {};
    const taskId = typeof data.task_id === "string" ? data.task_id : null;
    const seed = typeof data.seed === "number" ? data.seed : 0;
    state.episode = { taskId, seed, steps: 0, done: false, doneReason: undefined, allPass: false };
    state.episodeLost = false;
    showResult(reply.data, { request, reply });
    if (Array.isArray(obs.tools)) tools.set(obs.tools);
    if (typeof obs.prompt === "string" && picker.selected() === undefined)
      showPrompt(String(obs.task_id ?? "Task"), obs.prompt);
    return true;
  }

  function resetEpisode(override?: Record<string, unknown>): Promise<void> {
    if (!state.connected) {
      resetWanted = true; // picked before the socket opened (a reload restoring its task)
      return Promise.resolve();
    }
    return withBusy("reset", async () => {
      const seedText = byId<HTMLInputElement>("reset-seed").value.trim();
      const seed = seedText === "" ? 0 : Number(seedText);
      const data = override ?? resetData(picker.selected()?.id ?? null, seed);
      if (await startEpisode(data)) {
        announce("New episode started.");
        await refreshState();
      }
    });
  }

  /** Resets into the lost episode's task and seed and sends its steps again, in order. */
  function replay(snapshot: LostEpisode, note = ""): Promise<void> {
    return withBusy("replay", async () => {
      state.replayText = "Starting a new episode in the same task…";
      update();
      if (!(await startEpisode(resetData(snapshot.taskId, snapshot.seed)))) return;
      for (const [i, entry] of snapshot.entries.entries()) {
        state.replayText = `Replaying step ${i + 1} of ${snapshot.entries.length}…`;
        update();
        const ok = await step(entry.frames.request, (result, frames) => ({ ...entry, result, frames }));
        if (!ok) {
          refuse(`The replay stopped at step ${i + 1}: the server refused it.`);
          break;
        }
      }
      const done = `Replayed ${history.size} step${history.size === 1 ? "" : "s"} into a new episode.`;
      await refreshState();
      if (note !== "") renderNote(problemEl, `${note} ${done}`);
      announce(`${note} ${done}`.trim());
    });
  }

  /**
   * Stops the running step. The protocol cannot cancel one step, so the page drops the connection
   * (the server ends the session) and, once reconnected, replays the earlier steps.
   */
  function stop(): void {
    if (state.busy !== "step") return;
    stopped = true;
    conn.abort();
  }

  return {
    runStep,
    callTool,
    sendRaw,
    resetEpisode,
    replay,
    stop,
    refreshState,
    showResult,
    refuse,
    get lost() {
      return lost;
    },
    set lost(value: LostEpisode | undefined) {
      lost = value;
    },
    /** A reset asked for before the socket opened; cleared when read. */
    takeResetWanted(): boolean {
      const wanted = resetWanted;
      resetWanted = false;
      return wanted;
    },
  };
}
