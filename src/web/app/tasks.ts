/**
 * Task search and selection (GET /tasks?q=, GET /tasks/:id). The list is one listbox with a single
 * tab stop (arrows move, Enter picks): a suite of a hundred tasks must not be a hundred tab stops.
 */
import { byId, el, isRecord, json, str } from "./dom.ts";

export interface TaskDetail {
  id: string;
  language: "js" | "ts";
  prompt: string;
  title?: string;
  entry_point?: string;
  metadata?: unknown;
}

export interface TaskPicker {
  selected(): TaskDetail | undefined;
  /** Loads and picks a task by id (a reload restoring the last task); false when it failed. */
  pick(id: string): Promise<boolean>;
  /** Runs the search again (after a reconnect: the server may have been down). */
  reload(): Promise<void>;
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

function taskOption(item: Record<string, unknown>, index: number): HTMLElement {
  const id = str(item.id) ?? "";
  const facts = [str(item.language), str(item.suite), str(item.difficulty)].filter(Boolean).join(" · ");
  return el(
    "div",
    {
      role: "option",
      id: `task-option-${index}`,
      "data-task-id": id,
      "aria-selected": "false",
      tabindex: "-1",
    },
    el("span", { class: "title" }, str(item.title) || id),
    el("span", { class: "tid" }, `${id}${facts ? ` — ${facts}` : ""}`),
  );
}

export function createTaskPicker(onPick: (task: TaskDetail) => void): TaskPicker {
  const search = byId<HTMLInputElement>("task-search");
  const list = byId("task-list");
  const count = byId("task-count");
  let current: TaskDetail | undefined;
  const titles = new Map<string, string>();
  let sequence = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const options = () => [...list.querySelectorAll<HTMLElement>('[role="option"]')];

  /** Exactly one option is tabbable: the picked one if shown, else the first. */
  function setTabStop(target?: HTMLElement): void {
    const all = options();
    const stop = target ?? all.find((o) => o.dataset.taskId === current?.id) ?? all[0];
    for (const o of all) o.tabIndex = o === stop ? 0 : -1;
  }

  async function pick(id: string): Promise<boolean> {
    try {
      const body = await getJson(`/tasks/${encodeURIComponent(id)}`);
      if (!isRecord(body) || typeof body.id !== "string")
        throw new Error(`unexpected task body: ${json(body)}`);
      current = { id: body.id, language: languageOf(body.language), prompt: str(body.prompt) ?? "" };
      const title = titles.get(body.id);
      if (title) current.title = title;
      if (typeof body.entry_point === "string") current.entry_point = body.entry_point;
      if (body.metadata !== undefined) current.metadata = body.metadata;
      for (const o of options()) o.setAttribute("aria-selected", String(o.dataset.taskId === id));
      setTabStop();
      onPick(current);
      return true;
    } catch (error) {
      count.textContent = `Could not load task ${id}: ${error instanceof Error ? error.message : String(error)}`;
      return false;
    }
  }

  async function runSearch(): Promise<void> {
    const mine = ++sequence;
    try {
      const body = await getJson(`/tasks?q=${encodeURIComponent(search.value.trim())}`);
      if (mine !== sequence) return; // a newer search already answered
      const items = Array.isArray(body) ? body.filter(isRecord) : [];
      for (const item of items) {
        const id = str(item.id);
        const title = str(item.title);
        if (id && title) titles.set(id, title);
      }
      list.replaceChildren(...items.slice(0, SHOWN_MAX).map(taskOption));
      for (const o of options()) o.setAttribute("aria-selected", String(o.dataset.taskId === current?.id));
      setTabStop();
      const more = items.length > SHOWN_MAX ? ` (first ${SHOWN_MAX} shown)` : "";
      count.textContent = `${items.length} task${items.length === 1 ? "" : "s"} found${more}`;
    } catch (error) {
      if (mine !== sequence) return;
      list.replaceChildren();
      count.textContent = `Task list unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  function move(from: HTMLElement | null, key: string): void {
    const all = options();
    if (all.length === 0) return;
    const at = from === null ? -1 : all.indexOf(from);
    const next =
      key === "Home"
        ? 0
        : key === "End"
          ? all.length - 1
          : key === "ArrowUp"
            ? Math.max(0, at - 1)
            : Math.min(all.length - 1, at + 1);
    const target = all[next];
    if (target === undefined) return;
    setTabStop(target);
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  }

  list.addEventListener("click", (event) => {
    const option = (event.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    if (option?.dataset.taskId) void pick(option.dataset.taskId);
  });
  list.addEventListener("keydown", (event) => {
    const option = (event.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    if (["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) {
      event.preventDefault();
      move(option, event.key);
    } else if ((event.key === "Enter" || event.key === " ") && option?.dataset.taskId) {
      event.preventDefault();
      void pick(option.dataset.taskId);
    }
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown") return;
    event.preventDefault();
    move(null, "ArrowDown");
  });
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void runSearch(), 200);
  });
  void runSearch();
  return { selected: () => current, pick, reload: runSearch };
}
