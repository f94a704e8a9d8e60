/**
 * The episode's life cycle as the page shows it: one status line under the Run button and the
 * enabled state of every control, both derived from one PageState so that they cannot disagree
 * (Run is enabled only with a live, unfinished episode on an open connection).
 */
import { byId } from "./dom.ts";

export interface EpisodeInfo {
  taskId: string | null;
  seed: number;
  steps: number;
  done: boolean;
  doneReason: string | undefined;
  /** The latest observation had every hidden test passing. */
  allPass: boolean;
}

export type Busy = "step" | "reset" | "replay" | undefined;

export interface PageState {
  connected: boolean;
  episode: EpisodeInfo | undefined;
  /** The last episode went with a dropped connection (the notice offers to replay it). */
  episodeLost: boolean;
  busy: Busy;
  /** Progress text while replaying. */
  replayText: string;
  hasSubmitTool: boolean;
}

export interface LifecycleActions {
  goToSubmit(): void;
  reset(): void;
}

type StatusKind = "offline" | "none" | "busy" | "live" | "passing" | "done";

function status(s: PageState): { kind: StatusKind; text: string; action?: "submit" | "reset" } {
  if (!s.connected)
    return { kind: "offline", text: "Not connected to the server: steps wait until it is back." };
  if (s.busy === "reset") return { kind: "busy", text: "Starting a new episode…" };
  if (s.busy === "replay") return { kind: "busy", text: s.replayText };
  const e = s.episode;
  if (e === undefined && s.episodeLost)
    return {
      kind: "none",
      text: "The episode was lost with the connection: replay it from the notice above, or reset.",
      action: "reset",
    };
  if (e === undefined)
    return {
      kind: "none",
      text: "No episode yet: pick a task, or press Reset for a free-form episode.",
      action: "reset",
    };
  const task = e.taskId === null ? "no task" : e.taskId;
  if (e.done)
    return {
      kind: "done",
      text: `Episode done${e.doneReason ? ` (${e.doneReason})` : ""}: reset to start a new one.`,
      action: "reset",
    };
  if (e.allPass)
    return {
      kind: "passing",
      text: "All tests pass: submit to finish.",
      ...(s.hasSubmitTool ? { action: "submit" as const } : {}),
    };
  return { kind: "live", text: `Episode running · ${task} · ${e.steps} step${e.steps === 1 ? "" : "s"}` };
}

export function canStep(s: PageState): boolean {
  return s.connected && s.busy === undefined && s.episode !== undefined && !s.episode.done;
}

export function renderLifecycle(s: PageState, actions: LifecycleActions): void {
  const run = byId<HTMLButtonElement>("run-button");
  const stepOk = canStep(s);
  run.disabled = !stepOk;
  run.textContent = s.busy === "step" ? "Running…" : "Run step";
  byId("stop-button").hidden = s.busy !== "step";
  byId<HTMLButtonElement>("tool-call").disabled =
    !stepOk || byId<HTMLSelectElement>("tool-select").value === "";
  const reset = byId<HTMLButtonElement>("reset-button");
  reset.disabled = !s.connected || s.busy !== undefined;
  reset.textContent = s.busy === "reset" ? "Resetting…" : "Reset";
  const { kind, text, action } = status(s);
  const box = byId("episode-status");
  box.dataset.state = kind;
  byId("episode-status-text").textContent = text;
  const button = byId<HTMLButtonElement>("episode-action");
  button.hidden = action === undefined || !s.connected || s.busy !== undefined;
  button.textContent = action === "submit" ? "Submit…" : s.episode === undefined ? "Start episode" : "Reset";
  button.onclick = action === "submit" ? actions.goToSubmit : actions.reset;
}
