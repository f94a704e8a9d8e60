/** Entry of the human-agent page: wires the socket, editor, task picker, tools and panels. */
import { byId, el, isRecord, str } from "./dom.ts";
import { createCellEditor, type Language } from "./editor.ts";
import { type Frames, History, type HistoryEntry, renderState } from "./episode.ts";
import { allTestsPass } from "./grading.ts";
import { renderInspector } from "./inspector.ts";
import { type Busy, canStep, type PageState, renderLifecycle } from "./lifecycle.ts";
import { renderErrorFrame, renderProblem, renderResult, summarize } from "./observation.ts";
import { createRawPanel, type RawFrame } from "./raw.ts";
import { Connection, type ServerFrame } from "./socket.ts";
import { lastTaskId, loadCell, saveCell, saveLastTaskId } from "./storage.ts";
import { createTaskPicker, type TaskDetail } from "./tasks.ts";
import { renderToolForm, type ToolForm, type ToolInfo, toToolInfo } from "./toolform.ts";

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";
const observationEl = byId("observation");
const problemEl = byId("problem");
const languageSelect = byId<HTMLSelectElement>("language");
const toolSelect = byId<HTMLSelectElement>("tool-select");
const inspector = { tools: [] as ToolInfo[], schema: "Loading…" as unknown, metadata: "Loading…" as unknown };
const state: PageState = {
  connected: false,
  episode: undefined,
  busy: undefined,
  replayText: "",
  hasSubmitTool: false,
};
let toolForm: ToolForm | undefined;
/** An episode lost with its connection, offered for replay; or one to replay at once after Stop. */
let lost: { taskId: string | null; seed: number; entries: HistoryEntry[]; auto: boolean } | undefined;
let resetWanted = false;
let stopRequested = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

const editor = createCellEditor(byId("editor"), nonce, {
  onRun: () => void runStep(),
  onChange() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveEditor, 300);
  },
});
const history = new History(loadEntry);
const picker = createTaskPicker(onTaskPicked);
const raw = createRawPanel({ send: (frame) => void sendRaw(frame), fromEditor: stepFrameFromEditor });
const conn = new Connection(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`, {
  status(connState, detail) {
    const status = byId("conn-status");
    status.dataset.state = connState;
    status.textContent = detail;
    state.connected = connState === "open";
    update();
  },
  lost(code, reason, byUs) {
    const e = state.episode;
    lost = e && { taskId: e.taskId, seed: e.seed, entries: history.entries(), auto: byUs };
    state.episode = undefined;
    update();
    if (byUs) return;
    const why = reason === "" ? `code ${code}` : `${reason}, code ${code}`;
    showNotice(
      `The connection to the server was lost (${why}), and with it the episode: the server keeps an episode only as long as its connection. Reconnecting…`,
    );
  },
  opened(afterLoss) {
    void afterConnect(afterLoss);
  },
});

function update(): void {
  renderLifecycle(state, { goToSubmit, reset: () => void resetEpisode() });
  raw.setSendable(state.connected && state.busy === undefined);
}

function showNotice(text: string, replayLabel?: string): void {
  byId("notice-text").textContent = text;
  byId("notice-replay").hidden = replayLabel === undefined;
  byId("notice-replay").textContent = replayLabel ?? "";
  byId("notice").hidden = false;
}

function announce(text: string): void {
  byId("announce").textContent = text;
}

function setLanguage(language: Language): void {
  languageSelect.value = language;
  editor.setLanguage(language);
}

function saveEditor(): void {
  clearTimeout(saveTimer);
  saveCell(picker.selected()?.id ?? null, { code: editor.getCode(), language: currentLanguage() });
}

function currentLanguage(): Language {
  return languageSelect.value === "ts" ? "ts" : "js";
}

function stepFrameFromEditor(): RawFrame {
  return { type: "step", data: { code: editor.getCode(), language: currentLanguage() } };
}

/** Sends a frame; error frames and lost connections are shown above the observation (kept). */
async function send(frame: RawFrame, context: string): Promise<ServerFrame | undefined> {
  problemEl.replaceChildren();
  try {
    const reply = await conn.request(frame);
    if (reply.type !== "error") return reply;
    renderErrorFrame(problemEl, reply.data, context);
    if (raw.enabled) raw.show({ request: frame, reply });
    announce(`The server refused the ${context}.`);
  } catch (error) {
    const message = stopRequested
      ? "Stopped. The server cannot interrupt one cell, so the page dropped the connection (which ends the episode) and replays the earlier steps into a new one."
      : `The ${context} failed: ${error instanceof Error ? error.message : String(error)}`;
    renderProblem(problemEl, message);
    announce(message);
  }
  return undefined;
}

async function refreshState(): Promise<void> {
  const reply = await send({ type: "state" }, "state request");
  if (reply?.type !== "state") return;
  renderState(reply.data);
  const e = state.episode;
  if (e && isRecord(reply.data) && typeof reply.data.step_count === "number") e.steps = reply.data.step_count;
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
    stopRequested = false;
    observationEl.removeAttribute("aria-busy");
    update();
  }
}

/** Shows a step's result and records it; false when the server refused it. */
function record(entry: HistoryEntry, focusEditor: boolean): void {
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
  if (focusEditor) editor.focus();
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
  record(entry(reply.data, { request, reply }), false);
  return true;
}

function refuse(why: string): void {
  renderProblem(problemEl, why);
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
  showResult(reply.data, { request, reply });
  if (Array.isArray(obs.tools)) setTools(obs.tools);
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
function replay(snapshot: NonNullable<typeof lost>): Promise<void> {
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
    announce(`Replayed ${history.size} step${history.size === 1 ? "" : "s"} into a new episode.`);
    await refreshState();
  });
}

function stop(): void {
  if (state.busy !== "step") return;
  stopRequested = true;
  conn.abort();
}

function goToSubmit(): void {
  toolSelect.value = "submit";
  showToolForm();
  const first = byId("tool-fields").querySelector<HTMLElement>("input, textarea, select");
  (first ?? toolSelect).focus();
}

function loadEntry(entry: HistoryEntry): void {
  if (entry.kind === "code") {
    setLanguage(entry.language);
    editor.setCode(entry.code);
  } else if (entry.kind === "tool") {
    toolSelect.value = entry.toolName;
    showToolForm();
  } else raw.fill(entry.frames.request);
  showResult(entry.result, entry.frames);
  if (entry.kind === "code") editor.focus();
  else toolSelect.focus();
}

function onTaskPicked(task: TaskDetail): void {
  saveLastTaskId(task.id);
  showPrompt(task.id, task.prompt);
  const saved = loadCell(task.id);
  setLanguage(saved?.language ?? task.language);
  editor.setCode(saved?.code ?? task.prompt);
  void resetEpisode();
}

/** The prompt panel: headed by the task id (the title is the prompt's first sentence, shown below). */
function showPrompt(heading: string, prompt: string): void {
  byId("task-detail").hidden = false;
  byId("task-title").textContent = heading;
  const task = picker.selected();
  const extras = [
    task && (task.language === "ts" ? "TypeScript" : "JavaScript"),
    task?.entry_point && `entry point ${task.entry_point}`,
  ];
  byId("task-meta").textContent = extras.filter(Boolean).join(" · ");
  byId("task-prompt").textContent = prompt;
}

function setTools(rawTools: unknown[]): void {
  const tools = rawTools.map(toToolInfo).filter((t): t is ToolInfo => t !== undefined);
  const previous = toolSelect.value;
  inspector.tools = tools;
  state.hasSubmitTool = tools.some((t) => t.name === "submit");
  toolSelect.replaceChildren(...tools.map((t) => el("option", { value: t.name }, t.name)));
  if (tools.some((t) => t.name === previous)) toolSelect.value = previous;
  showToolForm();
  renderInspector(byId("inspector"), inspector);
}

function showToolForm(): void {
  const tool = inspector.tools.find((t) => t.name === toolSelect.value);
  byId("tool-description").textContent = tool?.description ?? "No tools available yet.";
  toolForm = tool === undefined ? undefined : renderToolForm(byId("tool-fields"), tool);
  if (tool === undefined) byId("tool-fields").replaceChildren();
  update();
}

async function loadInspector(): Promise<void> {
  const fetchJson = async (url: string) => {
    const response = await fetch(url, { headers: { accept: "application/json" } }).catch(() => undefined);
    return response?.ok === true
      ? ((await response.json()) as unknown)
      : `${url} unavailable (${response?.status ?? "network error"})`;
  };
  [inspector.schema, inspector.metadata] = await Promise.all([fetchJson("/schema"), fetchJson("/metadata")]);
  renderInspector(byId("inspector"), inspector);
}

/** Tools are listed over MCP-in-/ws so that listing them is not an episode step. */
async function afterConnect(afterLoss: boolean): Promise<void> {
  problemEl.replaceChildren(); // "not connected" no longer holds
  if (afterLoss) {
    void picker.reload();
    void loadInspector();
  }
  const snapshot = lost;
  if (snapshot?.auto === true) {
    await replay(snapshot);
  } else if (afterLoss && snapshot !== undefined) {
    const n = snapshot.entries.length;
    const where = snapshot.taskId ?? "the free-form episode";
    showNotice(
      `Reconnected to the server. The previous episode (${where}, ${n} step${n === 1 ? "" : "s"}) was lost.`,
      `Reset into ${where} and replay ${n} step${n === 1 ? "" : "s"}`,
    );
  } else if (afterLoss) {
    byId("notice").hidden = true;
  }
  const reply = await conn
    .request({ type: "mcp", data: { jsonrpc: "2.0", id: 1, method: "tools/list" } })
    .catch(() => undefined);
  const result = isRecord(reply?.data) ? reply.data.result : undefined;
  if (isRecord(result) && Array.isArray(result.tools)) setTools(result.tools);
  if (resetWanted) {
    resetWanted = false;
    await resetEpisode();
  } else await refreshState();
}

function wire(): void {
  languageSelect.addEventListener("change", () => {
    setLanguage(currentLanguage());
    saveEditor();
  });
  byId("run-button").addEventListener("click", () => void runStep());
  byId("stop-button").addEventListener("click", stop);
  byId("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void resetEpisode();
  });
  byId("notice-reset").addEventListener("click", () => void resetEpisode());
  byId("notice-replay").addEventListener("click", () => {
    if (lost !== undefined) void replay(lost);
  });
  byId("notice-dismiss").addEventListener("click", () => {
    byId("notice").hidden = true;
  });
  byId("state-refresh").addEventListener("click", () => void refreshState());
  byId("prompt-to-editor").addEventListener("click", () => {
    editor.setCode(byId("task-prompt").textContent ?? "");
    editor.focus();
  });
  toolSelect.addEventListener("change", showToolForm);
  byId("tool-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const args = toolForm?.collect();
    if (args !== undefined && toolSelect.value !== "") void callTool(toolSelect.value, args);
  });
  // Ctrl/Cmd+Enter anywhere outside the editor runs the cell too (the editor handles its own).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      if ((event.target as HTMLElement | null)?.closest("#tool-form, #raw") !== null) return;
      event.preventDefault();
      void runStep();
    }
  });
  window.addEventListener("pagehide", () => {
    saveEditor();
    conn.close();
  });
}

/** A reload brings back the last task (and its cell), or the free-form cell. */
async function restore(): Promise<void> {
  const id = lastTaskId();
  if (id !== undefined && (await picker.pick(id))) return;
  const saved = loadCell(null);
  if (saved !== undefined) {
    setLanguage(saved.language);
    editor.setCode(saved.code);
  }
}

wire();
showToolForm();
renderInspector(byId("inspector"), inspector);
void loadInspector();
void restore();
conn.connect();
