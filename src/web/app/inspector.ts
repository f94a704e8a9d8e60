/** The tools/schema inspector: every tool, the action/observation/state schemas, the metadata. */
import { el, isRecord, json, kvList, pre, str } from "./dom.ts";
import type { ToolInfo } from "./toolform.ts";

export interface InspectorData {
  tools: ToolInfo[];
  /** GET /schema body, or an error text. */
  schema: unknown;
  /** GET /metadata body, or an error text. */
  metadata: unknown;
}

function toolDetails(tool: ToolInfo): HTMLElement {
  return el(
    "details",
    { "data-tool": tool.name },
    el("summary", {}, tool.name),
    el("p", {}, tool.description || "(no description)"),
    el("h4", {}, "Input schema"),
    pre(json(tool.input_schema), `${tool.name} input schema`),
  );
}

function metadataBlock(metadata: unknown): HTMLElement {
  if (!isRecord(metadata)) return el("p", { class: "hint" }, str(metadata) ?? "Metadata unavailable.");
  const list = el("dl", { class: "kv" });
  kvList(list, [
    ["name", str(metadata.name)],
    ["description", str(metadata.description)],
    ["version", str(metadata.version) ?? "—"],
    ["author", str(metadata.author) ?? "—"],
    ["documentation", str(metadata.documentation_url) ?? "—"],
  ]);
  const readme = str(metadata.readme_content);
  return el(
    "div",
    {},
    list,
    readme !== undefined && el("details", {}, el("summary", {}, "README"), pre(readme, "README")),
  );
}

function schemaBlocks(schema: unknown): HTMLElement[] {
  if (!isRecord(schema)) return [el("p", { class: "hint" }, str(schema) ?? "Schemas unavailable.")];
  return ["action", "observation", "state"].map((key) =>
    el(
      "details",
      { "data-schema": key },
      el("summary", {}, `${key} schema`),
      pre(json(schema[key]), `${key} schema`),
    ),
  );
}

export function renderInspector(target: HTMLElement, data: InspectorData): void {
  target.replaceChildren(
    el("h3", {}, `Tools (${data.tools.length})`),
    data.tools.length === 0 ? el("p", { class: "hint" }, "No tools listed yet (reset an episode).") : "",
    ...data.tools.map(toolDetails),
    el("h3", {}, "Schemas"),
    ...schemaBlocks(data.schema),
    el("h3", {}, "Metadata"),
    metadataBlock(data.metadata),
  );
}
