/**
 * Fork over the wire: a `{"type":"fork","data":{"n":N}}` frame on `/ws`, or
 * `POST /sessions/:id/fork {"n":N}` for a stateful HTTP session. Each child is a new stateful HTTP
 * session (driven with `session_id` on /step, /state, /reset; ended by `DELETE /sessions/:id` or
 * the idle timeout), counting against capacity like any session.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { CodeActError } from "../../errors/index.ts";
import { MAX_FORK_COUNT } from "../env/index.ts";
import type { Environment } from "../env/types.ts";
import { failureResponse } from "./http.ts";
import { JsonDepthError, parseJson } from "./json.ts";
import type { OpsContext } from "./ops.ts";
import type { Session, SessionManager } from "./sessions.ts";
import { zodIssues } from "./wire.ts";

export interface ForkContext extends OpsContext {
  readonly sessions: SessionManager;
}

export interface ForkedSession {
  session_id: string;
  episode_id: string | null;
  step_count: number;
}

export interface ForkReply {
  parent_episode_id: string | null;
  sessions: ForkedSession[];
}

export const forkBody = z.object({ n: z.number().int().min(1).max(MAX_FORK_COUNT).default(1) }).strict();

/** Validates fork data (frame `data` or HTTP body); a bad one is INVALID_ARGUMENT with pydantic-like issues. */
export function parseForkData(data: unknown): number {
  const parsed = forkBody.safeParse(data ?? {});
  if (!parsed.success) {
    const errors = zodIssues(parsed.error, data);
    throw new CodeActError(
      "INVALID_ARGUMENT",
      `Invalid fork request: n must be an integer from 1 to ${MAX_FORK_COUNT}`,
      {
        details: { errors },
      },
    );
  }
  return parsed.data.n;
}

/**
 * Forks `parent`'s episode into `count` new HTTP sessions; call it in the parent's queue
 * (`parent.run`). Capacity is checked before any replay (and again as each child is opened: a race
 * with other clients closes the unopened children).
 */
export async function forkSession(ctx: ForkContext, parent: Session, count: number): Promise<ForkReply> {
  const { sessions } = ctx;
  if (sessions.size + count > sessions.maxSessions) {
    throw new CodeActError(
      "CAPACITY",
      `Not enough free sessions to fork ${count}: ${sessions.size}/${sessions.maxSessions} active`,
      { details: { active_sessions: sessions.size, max_sessions: sessions.maxSessions } },
    );
  }
  const started = performance.now();
  const children: Environment[] = await parent.env.fork(count);
  const opened: ForkedSession[] = [];
  try {
    for (const env of children) {
      const session = sessions.open("http", env);
      const state = env.state();
      opened.push({ session_id: session.id, episode_id: state.episode_id, step_count: state.step_count });
    }
  } catch (error) {
    await Promise.all(children.slice(opened.length).map((env) => env.close().catch(() => undefined)));
    throw error;
  }
  const parentEpisode = parent.env.state().episode_id;
  ctx.logger.log("info", "fork", {
    session_id: parent.id,
    episode_id: parentEpisode,
    children: count,
    latency_ms: Math.round((performance.now() - started) * 1000) / 1000,
  });
  return { parent_episode_id: parentEpisode, sessions: opened };
}

export function registerForkRoutes(app: Hono, ctx: ForkContext): void {
  app.post("/sessions/:id/fork", async (c) => {
    try {
      const text = await c.req.text();
      let body: unknown = {};
      if (text.trim() !== "") {
        try {
          body = parseJson(text);
        } catch (error) {
          if (error instanceof JsonDepthError) throw error;
          throw new CodeActError("INVALID_ARGUMENT", `Body is not JSON: ${(error as Error).message}`);
        }
      }
      const count = parseForkData(body);
      const parent = ctx.sessions.get(c.req.param("id"));
      if (parent === undefined || parent.kind !== "http") {
        throw new CodeActError("NOT_FOUND", `Unknown session_id: ${c.req.param("id")}`);
      }
      return c.json(await parent.run(() => forkSession(ctx, parent, count)));
    } catch (error) {
      return failureResponse(c, ctx, error);
    }
  });
}
