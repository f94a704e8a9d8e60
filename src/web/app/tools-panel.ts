/** The "Call a tool" form and the inspector: both show the tools the server lists. */
import { byId, el } from "./dom.ts";
import { renderInspector } from "./inspector.ts";
import { renderToolForm, type ToolForm, type ToolInfo, toToolInfo } from "./toolform.ts";

export class ToolsPanel {
  readonly #select = byId<HTMLSelectElement>("tool-select");
  readonly #inspector = {
    tools: [] as ToolInfo[],
    schema: "Loading…" as unknown,
    metadata: "Loading…" as unknown,
  };
  readonly #onChange: () => void;
  #form: ToolForm | undefined;

  /** `onChange`: the tool list or the selected tool changed (the page re-derives its controls). */
  constructor(onChange: () => void) {
    this.#onChange = onChange;
    this.#select.addEventListener("change", () => this.show());
    this.show(false); // the page is still being built: nothing to tell yet
    renderInspector(byId("inspector"), this.#inspector);
  }

  get hasSubmit(): boolean {
    return this.#inspector.tools.some((t) => t.name === "submit");
  }

  /** Tools as `tools/list` or a reset observation gives them. */
  set(raw: unknown[]): void {
    const tools = raw.map(toToolInfo).filter((t): t is ToolInfo => t !== undefined);
    const previous = this.#select.value;
    this.#inspector.tools = tools;
    this.#select.replaceChildren(...tools.map((t) => el("option", { value: t.name }, t.name)));
    if (tools.some((t) => t.name === previous)) this.#select.value = previous;
    this.show();
    renderInspector(byId("inspector"), this.#inspector);
  }

  /** Selects a tool and shows its form; focus goes to its first field when asked. */
  select(name: string, focus = false): void {
    this.#select.value = name;
    this.show();
    if (!focus) return;
    const first = byId("tool-fields").querySelector<HTMLElement>("input, textarea, select");
    (first ?? this.#select).focus();
  }

  /** The call the form describes, or undefined after marking the fields in error. */
  collect(): { name: string; args: Record<string, unknown> } | undefined {
    const args = this.#form?.collect();
    return args === undefined || this.#select.value === "" ? undefined : { name: this.#select.value, args };
  }

  show(notify = true): void {
    const tool = this.#inspector.tools.find((t) => t.name === this.#select.value);
    byId("tool-description").textContent = tool?.description ?? "No tools available yet.";
    this.#form = tool === undefined ? undefined : renderToolForm(byId("tool-fields"), tool);
    if (tool === undefined) byId("tool-fields").replaceChildren();
    if (notify) this.#onChange();
  }

  /** GET /schema and /metadata for the inspector (again after a reconnect). */
  async loadSchemas(): Promise<void> {
    const fetchJson = async (url: string) => {
      const response = await fetch(url, { headers: { accept: "application/json" } }).catch(() => undefined);
      return response?.ok === true
        ? ((await response.json()) as unknown)
        : `${url} unavailable (${response?.status ?? "network error"})`;
    };
    [this.#inspector.schema, this.#inspector.metadata] = await Promise.all([
      fetchJson("/schema"),
      fetchJson("/metadata"),
    ]);
    renderInspector(byId("inspector"), this.#inspector);
  }
}
