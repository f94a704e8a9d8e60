/**
 * Wire shapes of the OpenEnv protocol: the result object built from a StepResult (with the
 * compatibility profiles), the strict WebSocket frame envelope, and pydantic-style issue lists.
 */
import { z } from "zod";
import type { StepResult } from "../env/types.ts";
import { parseJson } from "./json.ts";

export type Profile = "default" | "openenv-coding";

/** What `reset`/`step` put on the wire: `{observation, reward, done}`. */
export interface WireResult {
  observation: Record<string, unknown>;
  reward: number | boolean | null;
  done: boolean;
}

/** Keys OpenEnv's typed CodingEnv client accepts (its CodeObservation forbids any other key). */
const CODING_KEYS = ["stdout", "stderr", "exit_code"] as const;
/** Never on the wire: lifted to the top level (reward, done) or dropped (metadata), as OpenEnv does. */
const LIFTED_KEYS = new Set(["reward", "done", "metadata"]);

/**
 * The observation as a profile sends it. "openenv-coding" keeps exactly stdout/stderr/exit_code of
 * code observations (tool observations, which CodingEnv never asks for, pass through unchanged).
 */
export function profileObservation(profile: Profile, observation: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = {};
  if (profile === "openenv-coding" && "stdout" in observation) {
    for (const key of CODING_KEYS) out[key] = observation[key] ?? (key === "exit_code" ? 0 : "");
    return out;
  }
  for (const [key, value] of Object.entries(observation)) {
    if (!LIFTED_KEYS.has(key) && value !== undefined) out[key] = value;
  }
  return out;
}

export function toWireResult(result: StepResult, profile: Profile): WireResult {
  const observation = profileObservation(profile, result.observation as unknown as Record<string, unknown>);
  return { observation, reward: result.reward, done: result.done };
}

/** HTTP results carry a float-or-null reward (OpenEnv's HTTP response model coerces it). */
export function toHttpResult(result: StepResult, profile: Profile): WireResult {
  const wire = toWireResult(result, profile);
  const reward = wire.reward;
  return { ...wire, reward: typeof reward === "boolean" ? Number(reward) : reward };
}

/** A pydantic-like validation issue (what OpenEnv clients print). */
export interface WireIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** zod issues -> pydantic-like issues, with `prefix` prepended to every `loc`. */
export function zodIssues(
  error: z.ZodError,
  input: unknown,
  prefix: Array<string | number> = [],
): WireIssue[] {
  const issues: WireIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const loc = [...prefix, ...path, key];
        issues.push({
          type: "extra_forbidden",
          loc,
          msg: "Extra inputs are not permitted",
          input: at(input, [...path, key]),
        });
      }
      continue;
    }
    const value = at(input, path);
    const loc = [...prefix, ...path];
    if (issue.code === "invalid_type" && value === undefined) {
      issues.push({ type: "missing", loc, msg: "Field required", input: at(input, path.slice(0, -1)) });
    } else issues.push(pydanticLike(issue, loc, value));
  }
  return issues;
}

function pydanticLike(issue: z.core.$ZodIssue, loc: Array<string | number>, input: unknown): WireIssue {
  if (issue.code === "too_small" && issue.origin === "number") {
    const ge = Number(issue.minimum);
    return issue.inclusive
      ? {
          type: "greater_than_equal",
          loc,
          msg: `Input should be greater than or equal to ${ge}`,
          input,
          ctx: { ge },
        }
      : { type: "greater_than", loc, msg: `Input should be greater than ${ge}`, input, ctx: { gt: ge } };
  }
  if (issue.code === "too_big" && issue.origin === "string") {
    const max = Number(issue.maximum);
    const msg = `String should have at most ${max} characters`;
    return { type: "string_too_long", loc, msg, input, ctx: { max_length: max } };
  }
  if (issue.code === "invalid_type" && issue.expected === "object") {
    return { type: "model_attributes_type", loc, msg: "Input should be a valid dictionary or object", input };
  }
  return { type: issue.code, loc, msg: issue.message, input };
}

function at(root: unknown, path: Array<string | number>): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const requestId = z.union([z.string().max(256), z.number()]).optional();
const dataObject = z.record(z.string(), z.unknown());

/** Client frames. `id` is our extension: echoed on the reply (OpenEnv's clients never send it). */
const frameSchemas = {
  reset: z.object({ type: z.literal("reset"), data: dataObject.optional(), id: requestId }).strict(),
  step: z.object({ type: z.literal("step"), data: dataObject, id: requestId }).strict(),
  state: z.object({ type: z.literal("state"), id: requestId }).strict(),
  close: z.object({ type: z.literal("close"), id: requestId }).strict(),
  /** Our extension: answers the session id that `/ws?resume=<id>` takes over after a dropped socket. */
  session: z.object({ type: z.literal("session"), id: requestId }).strict(),
  mcp: z.object({ type: z.literal("mcp"), data: dataObject, id: requestId }).strict(),
  /** Our extension: N children of this episode as stateful HTTP sessions (fork-routes.ts). */
  fork: z.object({ type: z.literal("fork"), data: dataObject.optional(), id: requestId }).strict(),
};

export type FrameType = keyof typeof frameSchemas;

export type ClientFrame =
  | { type: "reset"; data?: Record<string, unknown>; id?: string | number }
  | { type: "step"; data: Record<string, unknown>; id?: string | number }
  | { type: "state"; id?: string | number }
  | { type: "close"; id?: string | number }
  | { type: "session"; id?: string | number }
  | { type: "mcp"; data: Record<string, unknown>; id?: string | number }
  | { type: "fork"; data?: Record<string, unknown>; id?: string | number };

export type FrameParse =
  | { ok: true; frame: ClientFrame }
  | {
      ok: false;
      code: "INVALID_JSON" | "UNKNOWN_TYPE" | "VALIDATION_ERROR";
      message: string;
      errors?: WireIssue[];
      id?: string | number;
    };

/** Parses one text frame strictly, the way OpenEnv's server does. */
export function parseFrame(text: string): FrameParse {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    return { ok: false, code: "INVALID_JSON", message: `Invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const errors: WireIssue[] = [
      { type: "model_type", loc: [], msg: "Input should be an object", input: value },
    ];
    return { ok: false, code: "VALIDATION_ERROR", message: "Invalid message", errors };
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === "string" || typeof record.id === "number" ? record.id : undefined;
  const withId = <T extends object>(failure: T) => (id === undefined ? failure : { ...failure, id });
  const type = typeof record.type === "string" ? record.type : "";
  if (!Object.hasOwn(frameSchemas, type)) {
    return withId({
      ok: false as const,
      code: "UNKNOWN_TYPE" as const,
      message: `Unknown message type: ${type}`,
    });
  }
  const parsed = frameSchemas[type as FrameType].safeParse(record);
  if (!parsed.success) {
    const errors = zodIssues(parsed.error, record);
    return withId({
      ok: false as const,
      code: "VALIDATION_ERROR" as const,
      message: "Invalid message",
      errors,
    });
  }
  return { ok: true, frame: parsed.data as ClientFrame };
}
