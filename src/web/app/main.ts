/** Entry of the human-agent page: wires the socket, editor, task picker, tools and panels. */
import { byId, isRecord } from "./dom.ts";
import { createDriver } from "./driver.ts";
import { createCellEditor, type Language } from "./editor.ts";
import { History, type HistoryEntry } from "./episode.ts";
import { type PageState, renderLifecycle } from "./lifecycle.ts";
import { createRawPanel, type RawFrame } from "./raw.ts";
import { Connection } from "./socket.ts";
import { lastTaskId, loadCell, saveCell, saveLastTaskId } from "./storage.ts";
import { createTaskPicker, type TaskDetail } from "./tasks.ts";
import { ToolsPanel } from "./tools-panel.ts";

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";
const languageSelect = byId<HTMLSelectElement>("language");
const state: PageState = {
  connected: false,
  episode: undefined,
  episodeLost: false,
  busy: undefined,
  replayText: "",
  hasSubmitTool: false,
};
const tools = new ToolsPanel(() => {
  state.hasSubmitTool = tools.hasSubmit;
  update();
});
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** The task whose cell the editor holds (null: the free-form episode's); its key in storage. */
let editorTask: string | null = null;

const editor = createCellEditor(byId("editor"), nonce, {
  onRun: () => void driver.runStep(),
  onChange() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveEditor, 300);
  },
});
const history = new History(loadEntry);
const picker = createTaskPicker(onTaskPicked);
const raw = createRawPanel({ send: (frame) => void driver.sendRaw(frame), fromEditor: stepFrameFromEditor });
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
    driver.lost = e && { taskId: e.taskId, seed: e.seed, entries: history.entries(), auto: byUs };
    state.episode = undefined;
    state.episodeLost = e !== undefined;
    update();
    if (byUs) return;
    const why = reason === "" ? `code ${code}` : `${reason}, code ${code}`;
    const episode =
      e === undefined
        ? ""
        : ", and with it the episode: the server keeps an episode only as long as its connection";
    showNotice(`The connection to the server was lost (${why})${episode}. Reconnecting…`, { reset: false });
  },
  opened(afterLoss) {
    void afterConnect(afterLoss);
  },
});
const driver = createDriver({
  conn,
  state,
  history,
  editor,
  raw,
  tools,
  picker,
  update,
  announce,
  currentLanguage,
  showPrompt,
});

function update(): void {
  renderLifecycle(state, {
    goToSubmit: () => tools.select("submit", true),
    reset: () => void driver.resetEpisode(),
  });
  raw.setSendable(state.connected && state.busy === undefined);
}

/** The banner: a text, and the replay and reset offers (none while the server is away). */
function showNotice(text: string, offers: { replayLabel?: string; reset: boolean }): void {
  byId("notice-text").textContent = text;
  byId("notice-reset").hidden = !offers.reset;
  byId("notice-replay").hidden = offers.replayLabel === undefined;
  byId("notice-replay").textContent = offers.replayLabel ?? "";
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
  saveTimer = undefined;
  saveCell(editorTask, { code: editor.getCode(), language: currentLanguage() });
}

function currentLanguage(): Language {
  return languageSelect.value === "ts" ? "ts" : "js";
}

function stepFrameFromEditor(): RawFrame {
  return { type: "step", data: { code: editor.getCode(), language: currentLanguage() } };
}

function loadEntry(entry: HistoryEntry): void {
  if (entry.kind === "code") {
    setLanguage(entry.language);
    editor.setCode(entry.code);
  } else if (entry.kind === "tool") {
    tools.select(entry.toolName);
  } else raw.fill(entry.frames.request);
  driver.showResult(entry.result, entry.frames);
  if (entry.kind === "code") editor.focus();
  else byId("tool-select").focus();
}

function onTaskPicked(task: TaskDetail): void {
  if (saveTimer !== undefined) saveEditor(); // unsaved edits of the task being left
  editorTask = task.id;
  saveLastTaskId(task.id);
  showPrompt(task.id, task.prompt);
  const saved = loadCell(task.id);
  setLanguage(saved?.language ?? task.language);
  editor.setCode(saved?.code ?? task.prompt);
  void driver.resetEpisode();
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

/** Tools are listed over MCP-in-/ws so that listing them is not an episode step. */
async function afterConnect(afterLoss: boolean): Promise<void> {
  byId("problem").replaceChildren(); // "not connected" no longer holds
  if (afterLoss) {
    void picker.reload();
    void tools.loadSchemas();
  }
  const snapshot = driver.lost;
  if (snapshot?.auto === true) {
    await driver.replay(
      snapshot,
      "Stopped. The server cannot interrupt one cell, so the page dropped the connection, which ended that episode.",
    );
  } else if (afterLoss && snapshot !== undefined) {
    const n = snapshot.entries.length;
    const where = snapshot.taskId ?? "the free-form episode";
    showNotice(
      `Reconnected to the server. The previous episode (${where}, ${n} step${n === 1 ? "" : "s"}) was lost.`,
      { replayLabel: `Reset into ${where} and replay ${n} step${n === 1 ? "" : "s"}`, reset: true },
    );
  } else if (afterLoss) {
    byId("notice").hidden = true;
  }
  const reply = await conn
    .request({ type: "mcp", data: { jsonrpc: "2.0", id: 1, method: "tools/list" } })
    .catch(() => undefined);
  const result = isRecord(reply?.data) ? reply.data.result : undefined;
  if (isRecord(result) && Array.isArray(result.tools)) tools.set(result.tools);
  if (driver.takeResetWanted()) await driver.resetEpisode();
  else await driver.refreshState();
}

function wire(): void {
  languageSelect.addEventListener("change", () => {
    setLanguage(currentLanguage());
    saveEditor();
  });
  byId("run-button").addEventListener("click", () => void driver.runStep());
  byId("stop-button").addEventListener("click", driver.stop);
  byId("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void driver.resetEpisode();
  });
  byId("notice-reset").addEventListener("click", () => void driver.resetEpisode());
  byId("notice-replay").addEventListener("click", () => {
    if (driver.lost !== undefined) void driver.replay(driver.lost);
  });
  byId("notice-dismiss").addEventListener("click", () => {
    byId("notice").hidden = true;
  });
  byId("state-refresh").addEventListener("click", () => void driver.refreshState());
  byId("prompt-to-editor").addEventListener("click", () => {
    editor.setCode(byId("task-prompt").textContent ?? "");
    editor.focus();
  });
  byId("tool-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const call = tools.collect();
    if (call !== undefined) void driver.callTool(call.name, call.args);
  });
  // Ctrl/Cmd+Enter anywhere outside the editor runs the cell too (the editor handles its own).
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      if ((event.target as HTMLElement | null)?.closest("#tool-form, #raw") !== null) return;
      event.preventDefault();
      void driver.runStep();
    }
  });
  window.addEventListener("pagehide", () => {
    if (saveTimer !== undefined) saveEditor();
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
void tools.loadSchemas();
void restore();
conn.connect();
