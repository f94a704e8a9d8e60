/** Task search and selection (GET /tasks?q=, GET /tasks/:id). */
import { byId, el, isRecord, json, str } from "./dom.ts";

export interface TaskDetail {
  id: string;
  language: "js" | "ts";
  prompt: string;
  entry_point?: string;
  metadata?: unknown;
}

export interface TaskPicker {
  selected(): TaskDetail | undefined;
}

const SHOWN_MAX = 200;

function languageOf(value: unknown): "js" | "ts" {
  return value === "ts" ? "ts" : "js";
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return response.json();
}

function taskButton(item: Record<string, unknown>, onClick: (id: string) => void): HTMLElement {
  const id = str(item.id) ?? "";
  const facts = [str(item.language), str(item.suite), str(item.difficulty)].filter(Boolean).join(" · ");
  const button = el(
    "button",
    { type: "button", "data-task-id": id },
    str(item.title) ?? id,
    el("span", { class: "tid" }, `${id}${facts ? ` — ${facts}` : ""}`),
  );
  button.addEventListener("click", () => onClick(id));
  return el("li", {}, button);
}

export function createTaskPicker(onPick: (task: TaskDetail) => void): TaskPicker {
  const search = byId<HTMLInputElement>("task-search");
  const list = byId("task-list");
  const count = byId("task-count");
  let current: TaskDetail | undefined;
  let sequence = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  async function pick(id: string): Promise<void> {
    try {
      const body = await getJson(`/tasks/${encodeURIComponent(id)}`);
      if (!isRecord(body) || typeof body.id !== "string")
        throw new Error(`unexpected task body: ${json(body)}`);
      current = { id: body.id, language: languageOf(body.language), prompt: str(body.prompt) ?? "" };
      if (typeof body.entry_point === "string") current.entry_point = body.entry_point;
      if (body.metadata !== undefined) current.metadata = body.metadata;
      for (const b of list.querySelectorAll("button"))
        b.setAttribute("aria-current", String(b.dataset.taskId === id));
      onPick(current);
    } catch (error) {
      count.textContent = `Could not load task ${id}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async function runSearch(): Promise<void> {
    const mine = ++sequence;
    try {
      const body = await getJson(`/tasks?q=${encodeURIComponent(search.value.trim())}`);
      if (mine !== sequence) return; // a newer search already answered
      const items = Array.isArray(body) ? body.filter(isRecord) : [];
      list.replaceChildren(
        ...items.slice(0, SHOWN_MAX).map((item) => taskButton(item, (id) => void pick(id))),
      );
      const more = items.length > SHOWN_MAX ? ` (first ${SHOWN_MAX} shown)` : "";
      count.textContent = `${items.length} task${items.length === 1 ? "" : "s"} found${more}`;
    } catch (error) {
      if (mine !== sequence) return;
      list.replaceChildren();
      count.textContent = `Task list unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void runSearch(), 200);
  });
  void runSearch();
  return { selected: () => current };
}
