/**
 * Action validation. Actions are untrusted input (HTTP bodies, WebSocket frames), so they are
 * parsed strictly with zod and failures are reported the way OpenEnv (pydantic) reports them:
 * a list of `{type, loc, msg, input}` with `loc` relative to the action object.
 */
import { z } from "zod";
import type { Action } from "./types.ts";

const metadata = z.record(z.string(), z.unknown()).optional();

export const typecheckModeSchema = z.enum(["off", "report", "enforce"]);

/** Upper bound of a per-step timeout override; the session's limits still apply below it. */
export const MAX_STEP_TIMEOUT_MS = 300_000;

export const codeActionSchema = z
  .object({
    code: z.string().describe("JavaScript or TypeScript cell to run in the episode's sandbox"),
    language: z.enum(["js", "ts"]).optional().describe("Language of the cell (default: the task's, else ts)"),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .max(MAX_STEP_TIMEOUT_MS)
      .optional()
      .describe("Wall-time limit of this cell in milliseconds (overrides the session default)"),
    typecheck: typecheckModeSchema
      .optional()
      .describe(
        "Type-check this TS cell: off, report (diagnostics in the observation) or enforce (a cell with type errors is not run); default: the episode's",
      ),
    metadata,
  })
  .strict()
  .describe("A CodeAct cell");

export const callToolActionSchema = z
  .object({
    type: z.literal("call_tool"),
    tool_name: z.string().min(1),
    arguments: z.record(z.string(), z.unknown()).default({}),
    metadata,
  })
  .strict()
  .describe("One direct tool call");

export const listToolsActionSchema = z
  .object({ type: z.literal("list_tools"), metadata })
  .strict()
  .describe("Tool discovery");

export const actionSchema = z.union([codeActionSchema, callToolActionSchema, listToolsActionSchema]);

export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
}

export type ParseActionResult = { ok: true; action: Action } | { ok: false; errors: ValidationIssue[] };

/** Picks the one schema the input means, so errors speak of that shape rather than of a union. */
function schemaFor(input: Record<string, unknown>): z.ZodType {
  if (input.type === "call_tool") return callToolActionSchema;
  if (input.type === "list_tools") return listToolsActionSchema;
  if ("type" in input) return z.object({ type: z.enum(["call_tool", "list_tools"]) }).loose();
  return codeActionSchema;
}

/**
 * Actions this module produced: validated once, frozen, so a transport that parsed an action at
 * its edge hands it to `env.step` and the environment does not validate it again.
 */
const validated = new WeakSet<object>();

/** Whether `value` is an action `parseAction` returned (so it needs no second validation). */
export function isValidatedAction(value: unknown): value is Action {
  return typeof value === "object" && value !== null && validated.has(value);
}

export function parseAction(input: unknown): ParseActionResult {
  if (isValidatedAction(input)) return { ok: true, action: input };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ type: "model_type", loc: [], msg: "Input should be an object (an action)", input }],
    };
  }
  const record = input as Record<string, unknown>;
  // OpenEnv also accepts a call_tool body without `type`; so do we.
  const normalized =
    !("type" in record) && "tool_name" in record && !("code" in record)
      ? { ...record, type: "call_tool" }
      : record;
  const result = schemaFor(normalized).safeParse(normalized);
  if (result.success) {
    const action = Object.freeze(result.data) as Action;
    validated.add(action);
    return { ok: true, action };
  }
  return { ok: false, errors: toValidationIssues(result.error, normalized) };
}

/** Converts zod issues into pydantic-style issues (what OpenEnv clients and people expect). */
export function toValidationIssues(error: z.ZodError, input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const loc = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          type: "extra_forbidden",
          loc: [...loc, key],
          msg: "Extra inputs are not permitted",
          input: valueAt(input, [...loc, key]),
        });
      }
      continue;
    }
    const value = valueAt(input, loc);
    if (issue.code === "invalid_type" && value === undefined) {
      issues.push({ type: "missing", loc, msg: "Field required" });
      continue;
    }
    issues.push({ type: issue.code, loc, msg: issue.message, input: value });
  }
  return issues;
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** One line naming what was wrong, for error messages. */
export function formatValidationIssues(errors: readonly ValidationIssue[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.loc.length ? e.loc.join(".") : "(action)"}: ${e.msg}`)
    .join("; ");
}
