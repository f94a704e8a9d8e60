/**
 * The episode's tools as TypeScript declarations (`declare function write_file(args: {...}):
 * Promise<unknown>;`), written from their JSON Schemas: what a model writing a cell needs to call
 * them correctly (the Code Mode pattern: describe tools as an API, let the model write code).
 */
import type { ToolInfo } from "./types.ts";

type Schema = Record<string, unknown>;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_DEPTH = 6;

export function tsType(schema: unknown, depth = 0): string {
  if (typeof schema !== "object" || schema === null || depth > MAX_DEPTH) return "unknown";
  const s = schema as Schema;
  if ("const" in s) return JSON.stringify(s.const) ?? "unknown";
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ") || "never";
  const union = (s.anyOf ?? s.oneOf) as unknown;
  if (Array.isArray(union)) return union.map((u) => tsType(u, depth + 1)).join(" | ") || "unknown";
  const type = s.type;
  if (Array.isArray(type)) return type.map((t) => tsType({ ...s, type: t }, depth + 1)).join(" | ");
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return `Array<${tsType(s.items, depth + 1)}>`;
    case "object":
      return objectType(s, depth);
    default:
      return "unknown";
  }
}

function objectType(s: Schema, depth: number): string {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const fields = Object.entries(props).map(([name, sub]) => {
    const key = IDENT.test(name) ? name : JSON.stringify(name);
    const description = (sub as Schema | null)?.description;
    const doc = typeof description === "string" ? `/** ${description.replaceAll("*/", "* /")} */ ` : "";
    return `${doc}${key}${required.has(name) ? "" : "?"}: ${tsType(sub, depth + 1)}`;
  });
  const extra = s.additionalProperties;
  if (extra !== undefined && extra !== false)
    fields.push(`[key: string]: ${tsType(extra === true ? {} : extra, depth + 1)}`);
  return fields.length === 0 ? "{}" : `{ ${fields.join("; ")} }`;
}

/** One `declare function` per tool, each preceded by its description as a comment. */
export function toolSignatures(tools: readonly ToolInfo[]): string {
  return tools
    .map(
      (t) =>
        `/** ${t.description.replaceAll("*/", "* /")} */\ndeclare function ${t.name}(args: ${tsType(t.input_schema)}): Promise<unknown>;`,
    )
    .join("\n");
}
