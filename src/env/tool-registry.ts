/**
 * Tools are defined once (name, description, input schema, handler) and are then available both
 * as direct `call_tool` actions and as async functions inside every cell. Arguments are validated
 * against the schema on both paths.
 */
import { z } from "zod";
import { CodeActError } from "../../errors/index.ts";
import type { ToolMap } from "../../sandbox/index.ts";
import { formatValidationIssues, toValidationIssues } from "./actions.ts";
import type { ToolError, ToolInfo } from "./types.ts";

/** What a handler can reach of its episode. */
export interface ToolContext {
  readonly episodeId: string;
  readonly taskId: string | null;
  /** The episode's in-memory file store as tools (read_file, write_file, list_files). */
  readonly fileStore: ToolMap;
  /** Ends the episode after this step with the given answer. */
  submit(answer: unknown): void;
  /** The tools of this episode (what `list_tools` returns). */
  listTools(): ToolInfo[];
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** zod schema, or a JSON Schema object (converted with z.fromJSONSchema). */
  input: z.ZodType | Record<string, unknown>;
  handler: (args: never, context: ToolContext) => unknown;
}

/** Typed helper for defining a tool with a zod input schema. */
export function defineTool<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  input: S;
  handler: (args: z.infer<S>, context: ToolContext) => unknown;
}): ToolDefinition {
  return definition as ToolDefinition;
}

/** Names the sandbox prelude owns, or that OpenEnv reserves for MCP tools. */
const RESERVED = new Set([
  "reset",
  "step",
  "state",
  "close",
  "console",
  "assert",
  "require",
  "expect",
  "describe",
  "test",
  "it",
  "jest",
  "setTimeout",
  "clearTimeout",
  "queueMicrotask",
  "globalThis",
]);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export type ToolCallOutcome = { ok: true; value: unknown } | { ok: false; error: ToolError };

interface RegisteredTool {
  info: ToolInfo;
  schema: z.ZodType;
  handler: ToolDefinition["handler"];
}

export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();

  constructor(definitions: readonly ToolDefinition[]) {
    for (const definition of definitions) this.#add(definition);
  }

  #add(definition: ToolDefinition): void {
    const { name } = definition;
    if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
      throw new CodeActError(
        "INVALID_ARGUMENT",
        `Tool name '${name}' is not allowed: it must be a JavaScript identifier and not one of ${[...RESERVED].join(", ")}`,
      );
    }
    if (this.#tools.has(name)) throw new CodeActError("INVALID_ARGUMENT", `Tool '${name}' is defined twice`);
    const schema =
      definition.input instanceof z.ZodType ? definition.input : z.fromJSONSchema(definition.input);
    const inputSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    delete inputSchema.$schema;
    this.#tools.set(name, {
      info: { name, description: definition.description, input_schema: inputSchema },
      schema,
      handler: definition.handler,
    });
  }

  list(): ToolInfo[] {
    return [...this.#tools.values()].map((t) => t.info);
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** A direct tool call: never throws; failures are classified like OpenEnv's ToolErrorType. */
  async call(name: string, args: unknown, context: ToolContext, timeoutMs: number): Promise<ToolCallOutcome> {
    const tool = this.#tools.get(name);
    if (!tool)
      return { ok: false, error: { error_type: "tool_not_found", message: `Unknown tool: '${name}'` } };
    const parsed = tool.schema.safeParse(args ?? {});
    if (!parsed.success) {
      const detail = formatValidationIssues(toValidationIssues(parsed.error, args));
      return {
        ok: false,
        error: { error_type: "invalid_args", message: `Invalid arguments for '${name}': ${detail}` },
      };
    }
    try {
      const value = await withTimeout(
        Promise.resolve(tool.handler(parsed.data as never, context)),
        timeoutMs,
      );
      return { ok: true, value: toJson(value) };
    } catch (error) {
      if (error instanceof ToolTimeout) {
        return {
          ok: false,
          error: { error_type: "timeout", message: `Tool '${name}' timed out after ${timeoutMs} ms` },
        };
      }
      return { ok: false, error: { error_type: "execution_error", message: errorMessage(error) } };
    }
  }

  /** The same tools as async functions for the sandbox; a failure becomes an Error in the cell. */
  sandboxTools(context: ToolContext, timeoutMs: number): ToolMap {
    const map: Record<string, (args: unknown) => Promise<unknown>> = {};
    for (const name of this.#tools.keys()) {
      map[name] = async (args) => {
        const outcome = await this.call(name, args, context, timeoutMs);
        if (outcome.ok) return outcome.value;
        throw new Error(outcome.error.message);
      };
    }
    return map;
  }
}

class ToolTimeout extends Error {}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ToolTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Tool results must be JSON: a round trip drops functions and own `__proto__` keys stay inert data. */
function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
}
