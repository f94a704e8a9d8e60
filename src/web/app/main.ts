/** Entry of the human-agent page: wires the socket, editor, task picker, tools and panels. */
import { byId, el, isRecord } from "./dom.ts";
import { createCellEditor, type Language } from "./editor.ts";
import { History, type HistoryEntry, renderState } from "./episode.ts";
import { renderInspector } from "./inspector.ts";
import { renderErrorFrame, renderProblem, renderResult, summarize } from "./observation.ts";
import { Connection, type ServerFrame } from "./socket.ts";
import { createTaskPicker, type TaskDetail } from "./tasks.ts";
import { renderToolForm, type ToolForm, type ToolInfo, toToolInfo } from "./toolform.ts";

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";
const observationEl = byId("observation");
const languageSelect = byId<HTMLSelectElement>("language");
const runButton = byId<HTMLButtonElement>("run-button");
const toolSelect = byId<HTMLSelectElement>("tool-select");
const inspector = { tools: [] as ToolInfo[], schema: "Loading…" as unknown, metadata: "Loading…" as unknown };
let toolForm: ToolForm | undefined;
let busy = false;

const editor = createCellEditor(byId("editor"), nonce, () => void runStep());
const history = new History(loadEntry);
const picker = createTaskPicker(onTaskPicked);
const conn = new Connection(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`, {
  status(state, detail) {
    const status = byId("conn-status");
    status.dataset.state = state;
    status.textContent = detail;
  },
  lost(code, reason) {
    const why = reason === "" ? `code ${code}` : `${reason}, code ${code}`;
    showNotice(
      `The connection to the server was lost (${why}), and with it the episode: the server keeps an episode only as long as its connection. Reconnecting…`,
    );
  },
  opened(afterLoss) {
    if (afterLoss) {
      showNotice("Reconnected to the server. The previous episode was lost: reset to start a new one.");
      history.clear();
    }
    void afterConnect();
  },
});

function showNotice(text: string): void {
  byId("notice-text").textContent = text;
  byId("notice").hidden = false;
}

function announce(text: string): void {
  byId("announce").textContent = text;
}

function setLanguage(language: Language): void {
  languageSelect.value = language;
  editor.setLanguage(language);
}

/** Sends a frame; error frames and lost connections are shown, and give undefined. */
async function send(
  frame: { type: string; data?: unknown },
  context: string,
): Promise<ServerFrame | undefined> {
  try {
    const reply = await conn.request(frame);
    if (reply.type !== "error") return reply;
    renderErrorFrame(observationEl, reply.data, context);
    announce(`The server refused the ${context}.`);
  } catch (error) {
    const message = `The ${context} failed: ${error instanceof Error ? error.message : String(error)}`;
    renderProblem(observationEl, message);
    announce(message);
  }
  return undefined;
}

async function refreshState(): Promise<void> {
  const reply = await send({ type: "state" }, "state request");
  if (reply?.type === "state") renderState(reply.data);
}

async function withBusy(work: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  runButton.disabled = true;
  runButton.textContent = "Running…";
  observationEl.setAttribute("aria-busy", "true");
  try {
    await work();
  } finally {
    busy = false;
    runButton.disabled = false;
    runButton.textContent = "Run step";
    observationEl.removeAttribute("aria-busy");
  }
}

function runStep(): Promise<void> {
  return withBusy(async () => {
    const code = editor.getCode();
    const language = languageSelect.value === "ts" ? "ts" : "js";
    editor.markErrorLine(null);
    const reply = await send({ type: "step", data: { code, language } }, "step");
    if (reply?.type !== "observation") return;
    const line = renderResult(observationEl, reply.data, { goToLine: editor.goToLine });
    if (line !== null) editor.markErrorLine(line);
    announce(`Step ${history.size + 1}: ${summarize(reply.data)}`);
    history.add({ kind: "code", code, language, result: reply.data });
    await refreshState();
  });
}

function callTool(toolName: string, args: Record<string, unknown>): Promise<void> {
  return withBusy(async () => {
    const data = { type: "call_tool", tool_name: toolName, arguments: args };
    const reply = await send({ type: "step", data }, "tool call");
    if (reply?.type !== "observation") return;
    renderResult(observationEl, reply.data, { goToLine: editor.goToLine });
    announce(`Step ${history.size + 1}: ${summarize(reply.data)}`);
    history.add({ kind: "tool", toolName, args, result: reply.data });
    await refreshState();
  });
}

function resetEpisode(): Promise<void> {
  return withBusy(async () => {
    const data: Record<string, unknown> = {};
    const seedText = byId<HTMLInputElement>("reset-seed").value.trim();
    if (seedText !== "") data.seed = Number(seedText);
    const task = picker.selected();
    if (task !== undefined) data.task_id = task.id;
    const reply = await send({ type: "reset", data }, "reset");
    if (reply?.type !== "observation") return;
    byId("notice").hidden = true;
    history.clear();
    announce("New episode started.");
    editor.markErrorLine(null);
    renderResult(observationEl, reply.data, { goToLine: editor.goToLine });
    const obs = isRecord(reply.data) && isRecord(reply.data.observation) ? reply.data.observation : {};
    if (Array.isArray(obs.tools)) setTools(obs.tools);
    if (obs.language === "js" || obs.language === "ts") setLanguage(obs.language);
    if (typeof obs.prompt === "string" && task === undefined)
      showPrompt(String(obs.task_id ?? "Task"), obs.prompt);
    await refreshState();
  });
}

function loadEntry(entry: HistoryEntry): void {
  if (entry.kind === "code") {
    setLanguage(entry.language);
    editor.setCode(entry.code);
  } else {
    toolSelect.value = entry.toolName;
    showToolForm();
  }
  const line = renderResult(observationEl, entry.result, { goToLine: editor.goToLine });
  if (entry.kind === "code" && line !== null) editor.markErrorLine(line);
  if (entry.kind === "code") editor.focus();
  else toolSelect.focus();
}

function onTaskPicked(task: TaskDetail): void {
  showPrompt(task.id, task.prompt);
  const extras = [
    task.language === "ts" ? "TypeScript" : "JavaScript",
    task.entry_point && `entry point ${task.entry_point}`,
  ];
  byId("task-meta").textContent = extras.filter(Boolean).join(" · ");
  setLanguage(task.language);
  void resetEpisode();
}

function showPrompt(title: string, prompt: string): void {
  byId("task-detail").hidden = false;
  byId("task-title").textContent = title;
  byId("task-prompt").textContent = prompt;
}

function setTools(raw: unknown[]): void {
  const tools = raw.map(toToolInfo).filter((t): t is ToolInfo => t !== undefined);
  const previous = toolSelect.value;
  inspector.tools = tools;
  toolSelect.replaceChildren(...tools.map((t) => el("option", { value: t.name }, t.name)));
  if (tools.some((t) => t.name === previous)) toolSelect.value = previous;
  showToolForm();
  renderInspector(byId("inspector"), inspector);
}

function showToolForm(): void {
  const tool = inspector.tools.find((t) => t.name === toolSelect.value);
  byId("tool-description").textContent = tool?.description ?? "No tools available yet.";
  byId<HTMLButtonElement>("tool-call").disabled = tool === undefined;
  toolForm = tool === undefined ? undefined : renderToolForm(byId("tool-fields"), tool);
  if (tool === undefined) byId("tool-fields").replaceChildren();
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
async function afterConnect(): Promise<void> {
  const reply = await conn
    .request({ type: "mcp", data: { jsonrpc: "2.0", id: 1, method: "tools/list" } })
    .catch(() => undefined);
  const result = isRecord(reply?.data) ? reply.data.result : undefined;
  if (isRecord(result) && Array.isArray(result.tools)) setTools(result.tools);
  await refreshState();
}

function wire(): void {
  languageSelect.addEventListener("change", () => setLanguage(languageSelect.value === "ts" ? "ts" : "js"));
  runButton.addEventListener("click", () => void runStep());
  byId("reset-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void resetEpisode();
  });
  byId("notice-reset").addEventListener("click", () => void resetEpisode());
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
      if ((event.target as HTMLElement | null)?.closest("#tool-form") !== null) return;
      event.preventDefault();
      void runStep();
    }
  });
  window.addEventListener("pagehide", () => conn.close());
}

wire();
showToolForm();
renderInspector(byId("inspector"), inspector);
void loadInspector();
conn.connect();
