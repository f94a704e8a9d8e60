/** The episode's history list and state panel. */
import { byId, el, isRecord, json, kvList } from "./dom.ts";

export type HistoryEntry =
  | { kind: "code"; code: string; language: "js" | "ts"; result: unknown }
  | { kind: "tool"; toolName: string; args: Record<string, unknown>; result: unknown };

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

  clear(): void {
    this.#entries.length = 0;
    this.#renderEmpty();
  }

  add(entry: HistoryEntry): void {
    if (this.#entries.length === 0) this.#list.replaceChildren();
    this.#entries.push(entry);
    const n = this.#entries.length;
    const head =
      entry.kind === "code"
        ? `${entry.language}: ${firstCodeLine(entry.code) ?? "(empty cell)"}`
        : `tool ${entry.toolName}(${json(entry.args).replace(/\s+/g, " ")})`;
    const button = el(
      "button",
      {
        type: "button",
        "data-step": String(n),
        "aria-label": `Step ${n}: load it back (${rewardText(entry.result)})`,
      },
      el("span", { class: "summary" }, head),
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
