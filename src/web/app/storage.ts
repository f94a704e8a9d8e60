/**
 * What the page keeps across a reload, in localStorage: the cell of each task (and of the
 * free-form episode) and the last task picked. Storage can be full, disabled or hold junk from
 * another version: every read is validated and every failure is ignored (it is only a comfort).
 */
import type { Language } from "./editor.ts";

const PREFIX = "codeact-env.web.";
const FREE = "(no task)";

export interface SavedCell {
  code: string;
  language: Language;
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  } catch {
    // full or disabled: the cell is simply not kept
  }
}

export function loadCell(taskId: string | null): SavedCell | undefined {
  const raw = read(`cell:${taskId ?? FREE}`);
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { code, language } = parsed as Record<string, unknown>;
    if (typeof code !== "string" || (language !== "js" && language !== "ts")) return undefined;
    return { code, language };
  } catch {
    return undefined;
  }
}

export function saveCell(taskId: string | null, cell: SavedCell): void {
  write(`cell:${taskId ?? FREE}`, JSON.stringify(cell));
}

export function lastTaskId(): string | undefined {
  return read("task") ?? undefined;
}

export function saveLastTaskId(taskId: string | null): void {
  write("task", taskId);
}
