/**
 * OpenEnv's HTTP routes. Like OpenEnv, `/reset`, `/step` and `/state` are stateless by default
 * (a fresh environment per request, closed after). Extension: `POST /reset` with
 * `{"session": true}` (or header `X-Session: new`) opens a stateful HTTP session and answers its
 * `session_id`; later `/step`, `/state` and `/reset` name it (body or query `session_id`, or header
 * `X-Session-Id`); `DELETE /sessions/:id` ends it; it also ends after the idle timeout.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { CodeActError } from "../../errors/index.ts";
import type { Environment, StepResult } from "../env/types.ts";
import { describeFailure, failureHeaders, JSONRPC } from "./errors.ts";
import { JsonDepthError, parseJson } from "./json.ts";
import { handleRpc, rpcError } from "./jsonrpc.ts";
import { type OpsContext, runReset, runStep } from "./ops.ts";
import type { Session, SessionManager } from "./sessions.ts";
import { toHttpResult, type WireIssue, zodIssues } from "./wire.ts";

export interface HttpContext extends OpsContext {
  readonly sessions: SessionManager;
}

const MAX_STEP_TIMEOUT_MS = 300_000;

const resetBody = z
  .object({
    seed: z.number().int().min(0).optional(),
    episode_id: z.string().max(255).optional(),
    task_id: z.string().optional(),
    session: z.boolean().optional(),
    session_id: z.string().optional(),
  })
  .loose();

const stepBody = z
  .object({
    action: z.record(z.string(), z.unknown()),
    timeout_s: z.number().gt(0).optional(),
    request_id: z.string().max(255).optional(),
    session_id: z.string().optional(),
  })
  .loose();

type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Reads and validates a JSON body the way FastAPI does (422 with a `detail` list). */
async function readBody<T>(c: Context, schema: z.ZodType<T>, optional: boolean): Promise<BodyResult<T>> {
  const text = await c.req.text();
  let value: unknown = null;
  if (text.trim() !== "") {
    try {
      value = parseJson(text);
    } catch (error) {
      if (error instanceof JsonDepthError)
        return { ok: false, response: c.json({ detail: error.message, code: "INVALID_JSON" }, 400) };
      const detail: WireIssue[] = [
        {
          type: "json_invalid",
          loc: ["body", 0],
          msg: "JSON decode error",
          input: {},
          ctx: { error: (error as Error).message },
        },
      ];
      return { ok: false, response: c.json({ detail }, 422) };
    }
  }
  if (value === null && optional) value = {};
  if (value === null) {
    const detail: WireIssue[] = [{ type: "missing", loc: ["body"], msg: "Field required", input: null }];
    return { ok: false, response: c.json({ detail }, 422) };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    return { ok: false, response: c.json({ detail: zodIssues(parsed.error, value, ["body"]) }, 422) };
  return { ok: true, value: parsed.data };
}

/** The error body of a failed reset/step/state: 422 `detail` list for bad actions, else `detail` + `code`. */
export function failureResponse(c: Context, ctx: OpsContext, error: unknown): Response {
  const failure = describeFailure(error);
  ctx.metrics.error(failure.wire);
  if (failure.wire === "VALIDATION_ERROR" && Array.isArray(failure.extra.errors)) {
    return c.json({ detail: failure.extra.errors }, 422);
  }
  const body = { detail: failure.message, code: failure.wire, ...failure.extra };
  return c.json(body, failure.status as 500, failureHeaders(failure));
}

function sessionIdOf(c: Context, body: { session_id?: string | undefined } | undefined): string | undefined {
  return body?.session_id ?? c.req.query("session_id") ?? c.req.header("x-session-id");
}

function findSession(ctx: HttpContext, id: string): Session {
  const session = ctx.sessions.get(id);
  if (session === undefined || session.kind !== "http") {
    throw new CodeActError("NOT_FOUND", `Unknown session_id: ${id}${misrouted(ctx.sessions.replicaId, id)}`);
  }
  return session;
}

/** Behind a load balancer, a request that reached the wrong replica says where its session lives. */
function misrouted(here: string, id: string): string {
  // `<replica>.<uuid>`: a uuid has no dot, the replica may (a pod IP).
  const owner = id.includes(".") ? id.slice(0, id.lastIndexOf(".")) : "";
  if (here === "" || owner === "" || owner === here) return "";
  return ` (it was opened on replica '${owner}', this is '${here}': route stateful HTTP by the X-Session-Id header to one replica, or use /ws)`;
}

/** Runs `fn` on a fresh environment that is closed afterwards (OpenEnv's stateless HTTP). */
async function stateless<T>(ctx: HttpContext, fn: (env: Environment) => Promise<T>): Promise<T> {
  const env = ctx.sessions.createEnv();
  try {
    return await fn(env);
  } finally {
    await env.close();
  }
}

export function registerHttpRoutes(app: Hono, ctx: HttpContext): void {
  app.post("/reset", async (c) => {
    const body = await readBody(c, resetBody, true);
    if (!body.ok) return body.response;
    try {
      const wantsSession = body.value.session === true || c.req.header("x-session") === "new";
      const existing = sessionIdOf(c, body.value);
      const { session_id: _sid, session: _s, ...data } = body.value;
      if (existing !== undefined) {
        const session = findSession(ctx, existing);
        const result = await session.run(() =>
          runReset(ctx, session.env, data, { session_id: session.id, via: "http" }),
        );
        return c.json({ ...toHttpResult(result, ctx.profile), session_id: session.id });
      }
      if (wantsSession) {
        const session = ctx.sessions.open("http");
        const result = await session.run(() =>
          runReset(ctx, session.env, data, { session_id: session.id, via: "http" }),
        );
        c.header("X-Session-Id", session.id);
        return c.json({ ...toHttpResult(result, ctx.profile), session_id: session.id });
      }
      const result = await stateless(ctx, (env) => runReset(ctx, env, data, { via: "http_stateless" }));
      return c.json(toHttpResult(result, ctx.profile));
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });

  app.post("/step", async (c) => {
    const body = await readBody(c, stepBody, false);
    if (!body.ok) return body.response;
    const action = withTimeout(body.value.action, body.value.timeout_s);
    try {
      const id = sessionIdOf(c, body.value);
      let result: StepResult;
      if (id !== undefined) {
        const session = findSession(ctx, id);
        result = await session.run(() =>
          runStep(ctx, session.env, action, { session_id: session.id, via: "http" }),
        );
      } else result = await stateless(ctx, (env) => runStep(ctx, env, action, { via: "http_stateless" }));
      return c.json(toHttpResult(result, ctx.profile));
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });

  app.get("/state", async (c) => {
    try {
      const id = sessionIdOf(c, undefined);
      if (id === undefined) return c.json(await stateless(ctx, async (env) => env.state()));
      const session = findSession(ctx, id);
      return c.json(await session.run(async () => session.env.state()));
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });

  app.delete("/sessions/:id", async (c) => {
    try {
      const session = findSession(ctx, c.req.param("id"));
      await ctx.sessions.close(session, "http_delete");
      return c.json({ session_id: session.id, closed: true });
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });

  app.post("/mcp", async (c) => {
    let payload: unknown;
    try {
      payload = parseJson(await c.req.text());
    } catch (error) {
      if (error instanceof JsonDepthError)
        return c.json(rpcError(null, JSONRPC.PARSE_ERROR, `Parse error: ${error.message}`), 400);
      return c.json(rpcError(null, JSONRPC.PARSE_ERROR, "Parse error"));
    }
    return c.json(await handleRpc(ctx, payload));
  });
}

/** `timeout_s` of an HTTP step becomes the code action's own `timeout_ms` (capped), unless it has one. */
function withTimeout(action: Record<string, unknown>, timeoutS: number | undefined): Record<string, unknown> {
  if (timeoutS === undefined || !("code" in action) || "type" in action || "timeout_ms" in action)
    return action;
  return { ...action, timeout_ms: Math.min(MAX_STEP_TIMEOUT_MS, Math.max(1, Math.round(timeoutS * 1000))) };
}
