/**
 * A form generated from a tool's JSON Schema: enums become selects, booleans checkboxes, numbers
 * number inputs, strings text inputs, anything else (objects, arrays, unions) JSON text.
 */
import { el, isRecord, json, str } from "./dom.ts";

export interface ToolInfo {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

type Collected = { ok: true; value: unknown; present: boolean } | { ok: false; message: string };

interface Field {
  name: string;
  required: boolean;
  input: HTMLElement;
  error: HTMLElement;
  collect(): Collected;
}

/** Tools arrive as `input_schema` (OpenEnv step path) or `inputSchema` (MCP tools/list). */
export function toToolInfo(value: unknown): ToolInfo | undefined {
  if (!isRecord(value) || typeof value.name !== "string") return undefined;
  const schema = value.input_schema ?? value.inputSchema;
  return {
    name: value.name,
    description: str(value.description) ?? "",
    input_schema: isRecord(schema) ? schema : { type: "object" },
  };
}

function schemaType(schema: Record<string, unknown>): string | undefined {
  if (Array.isArray(schema.enum)) return "enum";
  return str(schema.type);
}

function primitiveField(
  id: string,
  name: string,
  schema: Record<string, unknown>,
  kind: string,
): Field["collect"] & { input: HTMLElement } {
  if (kind === "enum") {
    const options = (schema.enum as unknown[]).map((v) =>
      el("option", { value: JSON.stringify(v) }, String(v)),
    );
    const select = el("select", { id }, el("option", { value: "" }, "—"), ...options);
    return Object.assign(
      (): Collected =>
        select.value === ""
          ? { ok: true, value: undefined, present: false }
          : { ok: true, value: JSON.parse(select.value), present: true },
      { input: select },
    );
  }
  if (kind === "boolean") {
    const box = el("input", { id, type: "checkbox" });
    return Object.assign((): Collected => ({ ok: true, value: box.checked, present: true }), { input: box });
  }
  if (kind === "number" || kind === "integer") {
    const input = el("input", { id, type: "number", step: kind === "integer" ? "1" : "any" });
    return Object.assign(
      (): Collected => {
        if (input.value.trim() === "") return { ok: true, value: undefined, present: false };
        const n = Number(input.value);
        if (!Number.isFinite(n) || (kind === "integer" && !Number.isInteger(n)))
          return { ok: false, message: `must be ${kind === "integer" ? "an integer" : "a number"}` };
        return { ok: true, value: n, present: true };
      },
      { input },
    );
  }
  // Multi-line only for fields that hold text bodies; a path or a name is one line whatever its
  // maxLength (a `path` with maxLength 1024 used to become a 4-row box).
  const long = /(^|_)(code|text|message|content|source|body)$/i.test(name);
  const input = long ? el("textarea", { id, rows: "4" }) : el("input", { id, type: "text" });
  return Object.assign((): Collected => ({ ok: true, value: input.value, present: input.value !== "" }), {
    input,
  });
}

function jsonField(id: string, schema: Record<string, unknown>): Field["collect"] & { input: HTMLElement } {
  const area = el("textarea", {
    id,
    class: "json",
    rows: "3",
    placeholder: schema.default === undefined ? "JSON" : json(schema.default),
  });
  return Object.assign(
    (): Collected => {
      if (area.value.trim() === "") return { ok: true, value: undefined, present: false };
      try {
        return { ok: true, value: JSON.parse(area.value), present: true };
      } catch (error) {
        return {
          ok: false,
          message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        };
      }
    },
    { input: area },
  );
}

function buildField(
  name: string,
  schema: Record<string, unknown>,
  required: boolean,
  index: number,
): [HTMLElement, Field] {
  const id = `tool-arg-${index}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const kind = schemaType(schema);
  const simple =
    kind === "enum" || kind === "boolean" || kind === "number" || kind === "integer" || kind === "string";
  const collect = simple ? primitiveField(id, name, schema, kind) : jsonField(id, schema);
  const error = el("p", { class: "err", role: "alert", hidden: true });
  if (required) collect.input.setAttribute("aria-required", "true");
  const hint = [kind === undefined || !simple ? "JSON" : kind, str(schema.description)]
    .filter(Boolean)
    .join(" — ");
  const wrapper = el(
    "div",
    { class: "field" },
    el("label", { for: id }, name, required && el("span", { class: "req", "aria-hidden": "true" }, " *")),
    el("span", { class: "hint" }, hint),
    collect.input,
    error,
  );
  return [wrapper, { name, required, input: collect.input, error, collect }];
}

export interface ToolForm {
  /** Builds the arguments object, or marks the fields in error and returns undefined. */
  collect(): Record<string, unknown> | undefined;
}

export function renderToolForm(target: HTMLElement, tool: ToolInfo): ToolForm {
  const schema = tool.input_schema;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [],
  );
  const fields: Field[] = [];
  const nodes: HTMLElement[] = [];
  Object.entries(properties).forEach(([name, sub], index) => {
    const [node, field] = buildField(name, isRecord(sub) ? sub : {}, required.has(name), index);
    nodes.push(node);
    fields.push(field);
  });
  if (fields.length === 0) nodes.push(el("p", { class: "hint" }, "This tool takes no arguments."));
  target.replaceChildren(...nodes);
  return {
    collect() {
      const args: Record<string, unknown> = {};
      let firstBad: HTMLElement | undefined;
      for (const field of fields) {
        const got = field.collect();
        const message = !got.ok ? got.message : field.required && !got.present ? "is required" : undefined;
        field.error.hidden = message === undefined;
        field.error.textContent = message === undefined ? "" : `${field.name} ${message}`;
        if (message !== undefined) firstBad ??= field.input;
        else if (got.ok && got.present) args[field.name] = got.value;
      }
      firstBad?.focus();
      return firstBad === undefined ? args : undefined;
    },
  };
}
