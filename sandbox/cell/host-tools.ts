/**
 * Host side of sandbox tool calls. Handlers run in this process; what goes back to the sandbox is
 * always a JSON string `{"ok":true,"value":...}` or `{"ok":false,"message":...}` built by JSON
 * round trip (never by merging objects), with error messages stripped of host details.
 */

import { CodeActError } from "../../errors/index.ts";
import type { ToolCallback } from "../engines/contract.ts";
import type { ToolMap } from "../types.ts";

const MAX_MESSAGE_CHARS = 500;
const TOOL_NAME = /^[A-Za-z_$][\w$]*$/;

export function validateTools(tools: unknown): ToolMap {
  if (tools === undefined) return {};
  if (tools === null || typeof tools !== "object" || Array.isArray(tools)) {
    throw new CodeActError("INVALID_ARGUMENT", "tools must be an object of functions");
  }
  const out: Record<string, (args: unknown) => unknown> = {};
  for (const [name, handler] of Object.entries(tools)) {
    if (!TOOL_NAME.test(name) || name === "__proto__") {
      throw new CodeActError("INVALID_ARGUMENT", `tools.${name}: a tool name must be a JS identifier`);
    }
    if (typeof handler !== "function") {
      throw new CodeActError("INVALID_ARGUMENT", `tools.${name} must be a function`);
    }
    out[name] = handler as (args: unknown) => unknown;
  }
  return Object.freeze(out);
}

/** Wraps the handlers into the engine's ToolCallback, which never throws. */
export function toolCallback(tools: ToolMap): ToolCallback {
  return async (name, argsJson) => {
    const handler = Object.hasOwn(tools, name) ? tools[name] : undefined;
    if (handler === undefined) return failure(`unknown tool: ${name}`);
    let args: unknown;
    try {
      // Own "__proto__" keys from the sandbox are dropped so a handler that merges args is safe.
      args = JSON.parse(argsJson, (key, value) => (key === "__proto__" ? undefined : value));
    } catch {
      return failure(`tool ${name}: arguments are not valid JSON`);
    }
    let value: unknown;
    try {
      value = await handler(args);
    } catch (err) {
      return failure(`tool ${name} failed: ${sanitizeMessage(err)}`);
    }
    try {
      const json = JSON.stringify(value === undefined ? { ok: true } : { ok: true, value });
      if (json === undefined) return failure(`tool ${name} returned a value that is not JSON`);
      return json;
    } catch {
      return failure(`tool ${name} returned a value that is not JSON`);
    }
  };
}

function failure(message: string): string {
  return JSON.stringify({ ok: false, message: bound(message) });
}

/** The message of a thrown value, without stacks, host paths or unbounded length. */
export function sanitizeMessage(err: unknown): string {
  let message: string;
  try {
    message = err instanceof Error ? String(err.message) : typeof err === "string" ? err : "error";
  } catch {
    message = "error";
  }
  const firstLines = message.split("\n").filter((l) => !/^\s+at\s/.test(l));
  return bound(
    firstLines
      .join("\n")
      .replace(/file:\/\/\S+/g, "<path>")
      .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, "<path>"),
  );
}

function bound(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
