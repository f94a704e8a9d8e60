/** The episode's history list and state panel. */
import { byId, el, isRecord, json, kvList } from "./dom.ts";

/** The frames of one step as sent and received (the raw view shows them; replay resends them). */
export interface Frames {
  request: { type: string; data?: unknown };
  reply: unknown;
}

export type HistoryEntry = (
  | { kind: "code"; code: string; language: "js" | "ts" }
  | { kind: "tool"; toolName: string; args: Record<string, unknown> }
  | { kind: "raw" }
) & { result: unknown; frames: Frames };

function rewardText(result: unknown): string {
  if (!isRecord(result)) return "";
  const reward = result.reward;
  const text =
    typeof reward === "number"
      ? `reward ${Number.isInteger(reward) ? reward : reward.toFixed(3)}`
      : "no reward";
  return result.done === true ? `${text}, done` : text;
}

/** The first line that is code, not blank or comment, to name a cell in the list. */
function firstCodeLine(code: string): string | undefined {
  const lines = code.split("\n").map((l) => l.trim());
  return lines.find((l) => l !== "" && !/^(\/\/|\/\*|\*)/.test(l)) ?? lines.find((l) => l !== "");
}

/**
 * A second line for a cell whose first line an earlier cell shares: its first line that differs
 * from that cell's, so that "function f() {" five times in a row can be told apart.
 */
function distinguishingLine(code: string, earlier: readonly string[]): string | undefined {
  const lines = code.split("\n");
  const head = firstCodeLine(code);
  const twin = [...earlier].reverse().find((c) => firstCodeLine(c) === head);
  if (twin === undefined) return undefined;
  const other = twin.split("\n");
  const at = lines.findIndex((line, i) => line.trim() !== "" && line.trim() !== other[i]?.trim());
  if (at < 0) return lines.length === other.length ? "(same cell again)" : `${lines.length} lines`;
  return `line ${at + 1}: ${lines[at]?.trim()}`;
}

export class History {
  readonly #list = byId("history");
  readonly #entries: HistoryEntry[] = [];
  readonly #onSelect: (entry: HistoryEntry) => void;

  constructor(onSelect: (entry: HistoryEntry) => void) {
    this.#onSelect = onSelect;
    this.#renderEmpty();
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The steps so far, oldest first (a copy). */
  entries(): HistoryEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
    this.#renderEmpty();
  }

  add(entry: HistoryEntry): void {
    if (this.#entries.length === 0) this.#list.replaceChildren();
    const earlier = this.#entries.flatMap((e) => (e.kind === "code" ? [e.code] : []));
    this.#entries.push(entry);
    const n = this.#entries.length;
    const head =
      entry.kind === "code"
        ? `${entry.language}: ${firstCodeLine(entry.code) ?? "(empty cell)"}`
        : entry.kind === "tool"
          ? `tool ${entry.toolName}(${json(entry.args).replace(/\s+/g, " ")})`
          : `raw ${json(entry.frames.request).replace(/\s+/g, " ")}`;
    const second = entry.kind === "code" ? distinguishingLine(entry.code, earlier) : undefined;
    const button = el(
      "button",
      {
        type: "button",
        "data-step": String(n),
        "aria-label": `Step ${n}: load it back (${rewardText(entry.result)})`,
      },
      el("span", { class: "summary" }, head),
      second !== undefined && el("span", { class: "summary second" }, second),
      el("span", { class: "hint" }, rewardText(entry.result)),
    );
    button.addEventListener("click", () => this.#onSelect(entry));
    this.#list.append(el("li", {}, button));
  }

  #renderEmpty(): void {
    this.#list.replaceChildren(el("li", { class: "hint empty" }, "No steps yet."));
  }
}

/** Shows the state frame: the known fields first, then whatever else the server sent. */
export function renderState(data: unknown): void {
  const target = byId("state");
  if (!isRecord(data)) {
    kvList(target, [["state", "unknown"]]);
    return;
  }
  const show = (v: unknown) =>
    v === undefined ? undefined : v === null ? "—" : typeof v === "string" ? v : json(v);
  const known = ["episode_id", "step_count", "task_id", "done", "last_exit_code"];
  kvList(target, [
    ...known.map((k): [string, string | undefined] => [k, show(data[k])]),
    ...Object.entries(data)
      .filter(([k]) => !known.includes(k))
      .map(([k, v]): [string, string | undefined] => [k, show(v)]),
  ]);
}
